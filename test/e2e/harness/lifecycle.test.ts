import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { startTestEnv, type TestEnv } from '../../harness/testenv.ts';
import type { TestCluster } from '../../harness/cluster.ts';

const run = promisify(execFile);

// Destructive: restarts and compacts its clusters, so it has its own environment.
describe('kube-testenv lifecycle (own environment)', function () {
  this.timeout(180_000);
  let env: TestEnv;

  before(async () => {
    env = await startTestEnv({ members: 0 });
  });
  after(async () => {
    await env?.stop();
  });

  const kubectl = (c: TestCluster, ...args: string[]) =>
    run(env.kubectlPath, ['--kubeconfig', c.kubeconfig, ...args]).then((r) => r.stdout.trim());

  it('keeps its data across a restart on the same address', async () => {
    await kubectl(env.registry, 'create', 'namespace', 'survives-restart');
    await env.registry.restart();
    expect(await kubectl(env.registry, 'get', 'namespace', 'survives-restart', '-o', 'name')).to.equal(
      'namespace/survives-restart',
    );
  });

  it('adds a member cluster to a running set and records it in env.json', async () => {
    const member = await env.addMember();
    expect(member.spec.name).to.equal('member-1');
    expect(await kubectl(member, 'config', 'current-context')).to.equal('member-1');
    const file = JSON.parse(readFileSync(`${env.dir}/env.json`, 'utf8')) as { clusters: { name: string }[] };
    expect(file.clusters.map((c) => c.name)).to.deep.equal(['registry', 'member-1']);
  });

  it('stops one cluster while the others keep serving', async () => {
    const member = env.cluster('member-1');
    await member.stop();
    const down = await kubectl(member, 'get', 'ns', '--request-timeout=2s').then(
      () => 'served',
      (err: Error) => err.message,
    );
    expect(down).to.match(/connection refused|Unable to connect/);
    expect(await kubectl(env.registry, 'get', 'ns', 'default', '-o', 'name')).to.equal('namespace/default');
    await member.start();
    expect(await kubectl(member, 'get', 'ns', 'default', '-o', 'name')).to.equal('namespace/default');
  });

  // The apiserver's watch cache keeps serving recent history after an etcd compaction; a
  // restart drops it, so a client that reconnects with its old resourceVersion must relist.
  it('forces a compaction after which a resumed watch gets 410 Gone', async () => {
    const old = await kubectl(
      env.registry,
      'create',
      'namespace',
      'compact-a',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    );
    await kubectl(env.registry, 'create', 'namespace', 'compact-b');
    const rev = await env.registry.compact();
    expect(rev).to.be.greaterThan(Number(old));
    await env.registry.restart();
    const first = await firstWatchEvent(env.registry, `/api/v1/namespaces?watch=1&resourceVersion=${old}`);
    expect(first).to.deep.include({ type: 'ERROR' });
    expect((first as { object: { code: number } }).object.code).to.equal(410);
  });
});

/** Opens a watch with the admin certificate and returns its first event. */
function firstWatchEvent(cluster: TestCluster, path: string): Promise<unknown> {
  const dir = cluster.spec.dir;
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.server}${path}`,
      {
        ca: readFileSync(`${dir}/ca.crt`),
        cert: readFileSync(`${dir}/admin.crt`),
        key: readFileSync(`${dir}/admin.key`),
        timeout: 10_000,
      },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          const nl = buf.indexOf('\n');
          if (nl >= 0) {
            resolve(JSON.parse(buf.slice(0, nl)));
            req.destroy();
          }
        });
        res.on('end', () =>
          buf ? resolve(JSON.parse(buf)) : reject(new Error(`watch ended, HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('watch gave no event within 10 s')));
    req.on('error', reject);
    req.end();
  });
}
