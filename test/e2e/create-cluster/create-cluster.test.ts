import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { sharedEnv } from '../setup.ts';
import {
  REPO,
  SYSTEM_KUBECTL,
  applyRegistryCrds,
  kubectl,
  kubectlOk,
  uniqueName,
  type KubectlResult,
} from '../../harness/kubectl.ts';

const CLUSTERS = 'clusters.clusterregistry.k8s.io';

interface ClusterObject {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; uid: string };
  spec: {
    kubernetesApiEndpoints: {
      serverEndpoints: { clientCIDR?: string; serverAddress: string }[];
      caBundle?: string;
    };
    authInfo?: { controller?: { kind: string; name: string; namespace?: string } };
  };
}

interface SecretObject {
  data: Record<string, string>;
  metadata: { ownerReferences?: { kind: string; name: string; uid: string }[] };
}

describe('kubectl create cluster against real apiservers', function () {
  this.timeout(180_000);
  let bin: string;
  let registryKubeconfig: string;
  let memberKubeconfig: string;
  let memberServer: string;
  let memberCaData: string;
  let tmp: string;
  const cleanup: string[][] = [];

  /** Runs kubectl against the registry as its admin. */
  const registry = (...args: string[]) => kubectlOk(bin, [...args, '--kubeconfig', registryKubeconfig]);
  const getJson = async <T>(...args: string[]): Promise<T> =>
    JSON.parse(await registry('get', ...args, '-o', 'json')) as T;

  /** A namespace of the registry for one test, deleted after the suite. */
  async function freshNamespace(prefix: string): Promise<string> {
    const ns = uniqueName(prefix);
    await registry('create', 'namespace', ns);
    cleanup.push(['delete', 'namespace', ns, '--wait=false']);
    return ns;
  }

  /** A kubeconfig file with one context, `ctx`. */
  function writeKubeconfig(file: string, server: string, user: object, caData = memberCaData): string {
    const path = join(tmp, file);
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': caData } }],
        users: [{ name: 'u', user }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      }),
    );
    return path;
  }

  function expectOneLineError(r: KubectlResult, pattern: RegExp): void {
    expect(r.code, r.stdout).to.not.equal(0);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^error: [^\n]*\n$/);
    expect(r.stderr).to.match(pattern);
  }

  before(async () => {
    const env = sharedEnv();
    bin = env.kubectlPath;
    const reg = env.clusters.find((c) => c.name === 'registry')!;
    const member = env.clusters.find((c) => c.name === 'member-1')!;
    registryKubeconfig = reg.kubeconfig;
    memberKubeconfig = member.kubeconfig;
    memberServer = member.server;
    const memberConfig = parse(readFileSync(memberKubeconfig, 'utf8')) as {
      clusters: { cluster: { 'certificate-authority-data': string } }[];
    };
    memberCaData = memberConfig.clusters[0]!.cluster['certificate-authority-data'];
    tmp = mkdtempSync(join(tmpdir(), 'create-cluster-e2e-'));
    await applyRegistryCrds(bin, registryKubeconfig);
  });

  after(async () => {
    for (const args of cleanup.reverse()) await kubectl(bin, [...args, '--kubeconfig', registryKubeconfig]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('registering member-1 from its kubeconfig', () => {
    const name = uniqueName('us-east');
    let created: KubectlResult;

    before(async () => {
      created = await kubectl(bin, [
        'create',
        'cluster',
        name,
        '--from-kubeconfig',
        memberKubeconfig,
        '--label',
        'region=us',
        '--enable',
        '--kubeconfig',
        registryKubeconfig,
      ]);
      cleanup.push(['delete', CLUSTERS, name, '-n', 'kube-multicluster-public', '--ignore-not-found']);
    });

    it('prints what kubectl create prints', () => {
      expect(created.stderr).to.equal('');
      expect(created.code).to.equal(0);
      expect(created.stdout).to.equal(`cluster.clusterregistry.k8s.io/${name} created\n`);
    });

    it('leaves a Cluster with endpoint, CA, credential reference and labels in kube-multicluster-public', async () => {
      const list = parse(await registry('get', CLUSTERS, '-A', '-o', 'yaml')) as { items: ClusterObject[] };
      const cluster = list.items.find((c) => c.metadata.name === name);
      expect(cluster?.metadata.namespace).to.equal('kube-multicluster-public');
      expect(cluster?.metadata.labels).to.deep.equal({ region: 'us', 'kubemci.io/enabled': 'true' });
      expect(cluster?.spec).to.deep.equal({
        kubernetesApiEndpoints: {
          serverEndpoints: [{ serverAddress: memberServer }],
          caBundle: memberCaData,
        },
        authInfo: { controller: { kind: 'Secret', name: `${name}-credentials` } },
      });
    });

    it('stores the token and CA in a Secret the Cluster owns, not the admin credentials', async () => {
      const cluster = await getJson<ClusterObject>(CLUSTERS, name, '-n', 'kube-multicluster-public');
      const secret = await getJson<SecretObject>(
        'secret',
        `${name}-credentials`,
        '-n',
        'kube-multicluster-public',
      );
      expect(Object.keys(secret.data).sort()).to.deep.equal(['ca.crt', 'token']);
      expect(secret.data['ca.crt']).to.equal(memberCaData);
      const token = Buffer.from(secret.data.token!, 'base64').toString();
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string };
      expect(claims.sub).to.equal('system:serviceaccount:kubemci-system:kubemci-controller');
      expect(secret.metadata.ownerReferences).to.deep.equal([
        { apiVersion: 'clusterregistry.k8s.io/v1alpha1', kind: 'Cluster', name, uid: cluster.metadata.uid },
      ]);
    });

    it('gives a token that may read Services in member-1 but not Secrets', async () => {
      const secret = await getJson<SecretObject>(
        'secret',
        `${name}-credentials`,
        '-n',
        'kube-multicluster-public',
      );
      const token = Buffer.from(secret.data.token!, 'base64').toString();
      const asController = writeKubeconfig(
        'controller.kubeconfig',
        memberServer,
        { token },
        secret.data['ca.crt'],
      );
      const can = (...args: string[]) =>
        kubectl(bin, ['auth', 'can-i', ...args, '--kubeconfig', asController]);

      const services = await can('list', 'services', '--all-namespaces');
      expect(services.stdout.trim()).to.equal('yes');
      expect(
        (await can('watch', 'endpointslices.discovery.k8s.io', '--all-namespaces')).stdout.trim(),
      ).to.equal('yes');
      expect((await can('create', 'ingresses.networking.k8s.io', '-n', 'default')).stdout.trim()).to.equal(
        'yes',
      );
      const secrets = await can('get', 'secrets', '-n', 'kubemci-system');
      expect(secrets.stdout.trim()).to.equal('no');
      expect(secrets.code).to.equal(1);

      const list = await kubectl(bin, ['get', 'services', '-A', '-o', 'name', '--kubeconfig', asController]);
      expect(list.code, list.stderr).to.equal(0);
      expect(list.stdout).to.include('service/kubernetes');
      const forbidden = await kubectl(bin, ['get', 'secrets', '-A', '--kubeconfig', asController]);
      expect(forbidden.code).to.not.equal(0);
      expect(forbidden.stderr).to.include('forbidden');
    });

    it('refuses to register the same Cluster twice and leaves the first intact', async () => {
      const before = await getJson<SecretObject>(
        'secret',
        `${name}-credentials`,
        '-n',
        'kube-multicluster-public',
      );
      const again = await kubectl(bin, [
        'create',
        'cluster',
        name,
        '--from-kubeconfig',
        memberKubeconfig,
        '--kubeconfig',
        registryKubeconfig,
      ]);
      expectOneLineError(again, new RegExp(`clusters.clusterregistry.k8s.io "${name}" already exists`));
      const after = await getJson<SecretObject>(
        'secret',
        `${name}-credentials`,
        '-n',
        'kube-multicluster-public',
      );
      expect(after).to.deep.equal(before);
    });
  });

  it('works through the machine kubectl (1.32) too, with KUBECONFIG, -n and -o json', async () => {
    const ns = await freshNamespace('sys-kubectl');
    const name = uniqueName('eu');
    const r = await kubectl(
      SYSTEM_KUBECTL,
      [
        'create',
        'cluster',
        name,
        '--from-kubeconfig',
        memberKubeconfig,
        '--from-context',
        'member-1',
        '-n',
        ns,
        '-o',
        'json',
      ],
      { env: { KUBECONFIG: registryKubeconfig } },
    );
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const printed = JSON.parse(r.stdout) as ClusterObject;
    expect(printed.metadata).to.include({ name, namespace: ns });
    const stored = await getJson<ClusterObject>(CLUSTERS, name, '-n', ns);
    expect(stored.spec).to.deep.equal(printed.spec);
    expect(stored.spec.kubernetesApiEndpoints.serverEndpoints).to.deep.equal([
      { serverAddress: memberServer },
    ]);
  });

  it('registers by --server with --client-cidr, --ca-file and an existing --credentials-secret', async () => {
    const ns = await freshNamespace('by-server');
    await registry('create', 'secret', 'generic', 'hand-made', '-n', ns, '--from-literal=token=abc');
    const caFile = join(tmp, 'member-ca.crt');
    writeFileSync(caFile, Buffer.from(memberCaData, 'base64'));
    const r = await kubectl(bin, [
      'create',
      'cluster',
      'by-server',
      '--server',
      memberServer.replace('https://', ''),
      '--client-cidr',
      '127.0.0.0/8',
      '--ca-file',
      caFile,
      '--credentials-secret',
      'hand-made',
      '--label',
      'env=test',
      '-n',
      ns,
      '-o',
      'yaml',
      '--kubeconfig',
      registryKubeconfig,
    ]);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const stored = await getJson<ClusterObject>(CLUSTERS, 'by-server', '-n', ns);
    expect(stored.spec).to.deep.equal({
      kubernetesApiEndpoints: {
        serverEndpoints: [{ clientCIDR: '127.0.0.0/8', serverAddress: memberServer }],
        caBundle: memberCaData,
      },
      authInfo: { controller: { kind: 'Secret', name: 'hand-made' } },
    });
    expect((parse(r.stdout) as ClusterObject).metadata.labels).to.deep.equal({ env: 'test' });
  });

  it('creates nothing on --dry-run=client', async () => {
    const ns = await freshNamespace('dry');
    const r = await kubectl(bin, [
      'create',
      'cluster',
      'dry',
      '--from-kubeconfig',
      memberKubeconfig,
      '-n',
      ns,
      '--dry-run=client',
      '--kubeconfig',
      registryKubeconfig,
    ]);
    expect(r.stdout).to.equal('cluster.clusterregistry.k8s.io/dry created (dry run)\n');
    expect(await registry('get', `${CLUSTERS},secrets`, '-n', ns, '-o', 'name')).to.equal('');
  });

  describe('bad input: one line, non-zero exit, nothing left behind', () => {
    let ns: string;
    const state = async (): Promise<string> => registry('get', `${CLUSTERS},secrets`, '-n', ns, '-o', 'name');

    before(async () => {
      ns = await freshNamespace('bad');
    });

    const run = (...args: string[]) =>
      kubectl(bin, ['create', 'cluster', 'bad', ...args, '-n', ns, '--kubeconfig', registryKubeconfig]);

    it('refuses an unknown flag, a malformed URL or label, and an unreadable CA file', async () => {
      expectOneLineError(await run('--server', memberServer, '--frobnicate'), /unknown flag: --frobnicate/);
      expectOneLineError(
        await run('--server', 'http://127.0.0.1:6443'),
        /invalid --server "http:\/\/127.0.0.1:6443"/,
      );
      expectOneLineError(await run('--server', 'https://'), /invalid --server "https:\/\/"/);
      expectOneLineError(
        await run('--server', memberServer, '--label', 'region'),
        /invalid --label "region": want key=value/,
      );
      expectOneLineError(
        await run('--server', memberServer, '--ca-file', join(tmp, 'absent.crt')),
        /cannot read --ca-file .*ENOENT/,
      );
      expect(await state()).to.equal('');
    });

    it('refuses an unknown context, of the registry or of the member', async () => {
      expectOneLineError(
        await run('--server', memberServer, '--context', 'nowhere'),
        /registry kubeconfig: context "nowhere" not found/,
      );
      expectOneLineError(
        await run('--from-kubeconfig', memberKubeconfig, '--from-context', 'nowhere'),
        /context "nowhere" not found/,
      );
      expect(await state()).to.equal('');
    });

    it('refuses a member kubeconfig whose user needs exec or an auth provider', async () => {
      const exec = writeKubeconfig('exec.kubeconfig', memberServer, {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'touch' },
      });
      expectOneLineError(await run('--from-kubeconfig', exec), /needs an exec credential plugin \(touch\)/);
      const provider = writeKubeconfig('provider.kubeconfig', memberServer, {
        'auth-provider': { name: 'oidc', config: {} },
      });
      expectOneLineError(await run('--from-kubeconfig', provider), /needs an auth provider \(oidc\)/);
      expect(await state()).to.equal('');
    });

    it('reports an unreachable registry or member', async () => {
      const deadRegistry = writeKubeconfig('dead-registry.kubeconfig', 'https://127.0.0.1:45999', {
        token: 'x',
      });
      const r = await kubectl(bin, [
        'create',
        'cluster',
        'bad',
        '--server',
        memberServer,
        '--kubeconfig',
        deadRegistry,
      ]);
      expectOneLineError(r, /cannot reach the registry at https:\/\/127.0.0.1:45999: connect ECONNREFUSED/);

      const fresh = uniqueName('never-created');
      const deadMember = writeKubeconfig('dead-member.kubeconfig', 'https://127.0.0.1:45999', { token: 'x' });
      const m = await kubectl(bin, [
        'create',
        'cluster',
        'bad',
        '--from-kubeconfig',
        deadMember,
        '-n',
        fresh,
        '--kubeconfig',
        registryKubeconfig,
      ]);
      expectOneLineError(m, /cannot reach the member at https:\/\/127.0.0.1:45999: connect ECONNREFUSED/);
      const nsLookup = await kubectl(bin, ['get', 'namespace', fresh, '--kubeconfig', registryKubeconfig]);
      expect(nsLookup.stderr).to.include('NotFound');
    });

    it('removes the credentials Secret when the Cluster cannot be created', async () => {
      // A registry user who may write Secrets but not Clusters: the Secret is created, then
      // the Cluster create is forbidden.
      const role = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'secrets-only', namespace: ns },
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update', 'delete'] },
          { apiGroups: ['clusterregistry.k8s.io'], resources: ['clusters'], verbs: ['get'] },
        ],
      };
      await kubectlOk(bin, ['apply', '-f', '-', '--kubeconfig', registryKubeconfig], {
        input: JSON.stringify(role),
      });
      await registry('create', 'serviceaccount', 'limited', '-n', ns);
      await registry(
        'create',
        'rolebinding',
        'limited',
        '-n',
        ns,
        '--role=secrets-only',
        `--serviceaccount=${ns}:limited`,
      );
      const token = (await registry('create', 'token', 'limited', '-n', ns)).trim();
      const registryCa = (
        parse(readFileSync(registryKubeconfig, 'utf8')) as { clusters: { cluster: Record<string, string> }[] }
      ).clusters[0]!.cluster['certificate-authority-data']!;
      const server = (
        parse(readFileSync(registryKubeconfig, 'utf8')) as { clusters: { cluster: Record<string, string> }[] }
      ).clusters[0]!.cluster.server!;
      const limited = writeKubeconfig('limited.kubeconfig', server, { token }, registryCa);

      const r = await kubectl(bin, [
        'create',
        'cluster',
        'bad',
        '--from-kubeconfig',
        memberKubeconfig,
        '-n',
        ns,
        '--kubeconfig',
        limited,
      ]);
      expectOneLineError(r, /registry: cannot create cluster.clusterregistry.k8s.io .*forbidden/);
      expect(await registry('get', 'secrets', '-n', ns, '-o', 'name')).to.equal('');
      expect(await registry('get', CLUSTERS, '-n', ns, '-o', 'name')).to.equal('');
    });
  });

  it('has its usage one --help away', async () => {
    const r = await kubectl(bin, ['create', 'cluster', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include(`kubectl create cluster NAME --from-kubeconfig FILE`);
    expect(readFileSync(join(REPO, 'bin/kubectl-create-cluster'), 'utf8')).to.match(/^#!\/bin\/sh/);
  });
});
