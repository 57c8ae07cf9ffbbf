import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pollUntil } from '../../harness/poll.ts';
import { sharedEnv } from '../setup.ts';

const run = promisify(execFile);

describe('kube-testenv clusters', function () {
  this.timeout(120_000);

  it('runs a registry and two members, each reachable with its own kubeconfig and context', async () => {
    const env = sharedEnv();
    expect(env.clusters.map((c) => [c.name, c.role])).to.deep.equal([
      ['registry', 'registry'],
      ['member-1', 'member'],
      ['member-2', 'member'],
    ]);
    for (const c of env.clusters) {
      const { stdout } = await run(env.kubectlPath, [
        '--kubeconfig',
        c.kubeconfig,
        'config',
        'current-context',
      ]);
      expect(stdout.trim()).to.equal(c.name);
      const ns = await run(env.kubectlPath, [
        '--kubeconfig',
        c.kubeconfig,
        'get',
        'ns',
        'default',
        '-o',
        'name',
      ]);
      expect(ns.stdout.trim()).to.equal('namespace/default');
    }
    expect(new Set(env.clusters.map((c) => c.server)).size).to.equal(3);
  });

  it('serves the pinned Kubernetes version', async () => {
    const env = sharedEnv();
    const { stdout } = await run(env.kubectlPath, [
      '--kubeconfig',
      env.registry.kubeconfig,
      'version',
      '-o',
      'json',
    ]);
    const v = JSON.parse(stdout) as {
      serverVersion: { gitVersion: string };
      clientVersion: { gitVersion: string };
    };
    expect(v.serverVersion.gitVersion).to.match(/^v1\.36\.\d+$/);
    expect(v.clientVersion.gitVersion).to.equal(v.serverVersion.gitVersion);
  });

  it('enforces RBAC: an unbound ServiceAccount token is forbidden', async () => {
    const env = sharedEnv();
    const kc = ['--kubeconfig', env.cluster('member-1').kubeconfig];
    const ns = `rbac-${Date.now().toString(36)}`;
    await run(env.kubectlPath, [...kc, 'create', 'namespace', ns]);
    await run(env.kubectlPath, [...kc, '-n', ns, 'create', 'serviceaccount', 'nobody']);
    const { stdout } = await run(env.kubectlPath, [
      ...kc,
      'auth',
      'can-i',
      'list',
      'secrets',
      '-n',
      ns,
      `--as=system:serviceaccount:${ns}:nobody`,
    ]).catch((err: { stdout: string }) => err);
    expect(stdout.trim()).to.equal('no');
  });

  it('runs the member controllers: a Deployment gets a ReplicaSet and Pods, a namespace gets its token', async () => {
    const env = sharedEnv();
    const kc = ['--kubeconfig', env.cluster('member-2').kubeconfig];
    const ns = `ctrl-${Date.now().toString(36)}`;
    await run(env.kubectlPath, [...kc, 'create', 'namespace', ns]);
    await run(env.kubectlPath, [
      ...kc,
      '-n',
      ns,
      'create',
      'deployment',
      'web',
      '--image=registry.invalid/web:1',
      '--replicas=2',
    ]);
    const pods = await pollUntil(
      'two pods of the deployment',
      async () => {
        const { stdout } = await run(env.kubectlPath, [...kc, '-n', ns, 'get', 'pods', '-o', 'name']);
        const names = stdout.split('\n').filter(Boolean);
        return names.length === 2 ? names : undefined;
      },
      60_000,
    );
    expect(pods).to.have.length(2);
    const token = await pollUntil(
      'the default ServiceAccount and a token for it',
      () => run(env.kubectlPath, [...kc, '-n', ns, 'create', 'token', 'default']),
      30_000,
    );
    expect(token.stdout.trim().split('.')).to.have.length(3);
  });
});
