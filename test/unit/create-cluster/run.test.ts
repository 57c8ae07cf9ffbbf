import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import type { KubeApis } from '../../../src/cli/create-cluster/kube-apis.ts';
import { runCreateCluster, type RunIo } from '../../../src/cli/create-cluster/run.ts';
import { FakeCluster, virtualClock } from './fake-kube.ts';

const CA = readFileSync(new URL('fixtures/ca.crt', import.meta.url));
const CA_DATA = CA.toString('base64');

const kubeconfig = (server: string, user: string, extraCluster = ''): string => `
clusters:
- name: c
  cluster: {server: "${server}", certificate-authority-data: ${CA_DATA}${extraCluster}}
users:
- name: u
  user: ${user}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`;

const FILES: Record<string, string> = {
  '/home/u/.kube/config': kubeconfig('https://registry.invalid:6443', '{token: reg}'),
  '/m/member.kubeconfig': kubeconfig(
    'https://member.invalid:6443/',
    '{client-certificate-data: QQ==, client-key-data: QQ==}',
  ),
  '/m/exec.kubeconfig': kubeconfig(
    'https://member.invalid:6443',
    '{exec: {command: gke-gcloud-auth-plugin}}',
  ),
  '/m/sni.kubeconfig': kubeconfig('https://member.invalid:6443', '{token: t}', ', tls-server-name: other'),
  '/m/ca.crt': CA.toString(),
  '/m/not-a-ca': 'hello',
};

function harness() {
  const registry = new FakeCluster('registry');
  const member = new FakeCluster('member');
  const out: string[] = [];
  const err: string[] = [];
  const roles: string[] = [];
  const io: RunIo = {
    env: { HOME: '/home/u' },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readText: (f) => {
      const text = FILES[f];
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
      return text;
    },
    readBytes: (f) => Buffer.from(io.readText(f)),
    clock: virtualClock(),
    makeApis: (_kc, role) => {
      roles.push(role);
      return (role === 'registry' ? registry : member) as unknown as KubeApis;
    },
    tokenTimeoutMs: 10_000,
  };
  const run = (...argv: string[]) => runCreateCluster(argv, io);
  return { registry, member, out, err, roles, run };
}

describe('runCreateCluster', () => {
  it('registers a member from its kubeconfig and prints what kubectl create prints', async () => {
    const h = harness();
    const code = await h.run(
      'us-east',
      '--from-kubeconfig',
      '/m/member.kubeconfig',
      '--label',
      'region=us',
      '--enable',
    );
    expect(h.err).to.deep.equal([]);
    expect(code).to.equal(0);
    expect(h.out).to.deep.equal(['cluster.clusterregistry.k8s.io/us-east created\n']);
    const cluster = h.registry.get('clusters', 'kube-multicluster-public', 'us-east') as {
      metadata: { labels: Record<string, string> };
      spec: unknown;
    };
    expect(cluster.metadata.labels).to.deep.equal({ region: 'us', 'kubemci.io/enabled': 'true' });
    expect(cluster.spec).to.deep.equal({
      kubernetesApiEndpoints: {
        serverEndpoints: [{ serverAddress: 'https://member.invalid:6443' }],
        caBundle: CA_DATA,
      },
      authInfo: { controller: { kind: 'Secret', name: 'us-east-credentials' } },
    });
    expect(h.roles).to.deep.equal(['member', 'registry', 'member']);
  });

  it('prints the Cluster without contacting anything on --dry-run=client', async () => {
    const h = harness();
    const code = await h.run(
      'eu-1',
      '--server',
      'eu.example:443',
      '--ca-file',
      '/m/ca.crt',
      '--dry-run=client',
      '-o',
      'yaml',
    );
    expect(code).to.equal(0);
    expect(h.roles).to.deep.equal([]);
    expect(parse(h.out.join(''))).to.deep.equal({
      apiVersion: 'clusterregistry.k8s.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'eu-1', namespace: 'kube-multicluster-public' },
      spec: {
        kubernetesApiEndpoints: {
          serverEndpoints: [{ serverAddress: 'https://eu.example' }],
          caBundle: CA_DATA,
        },
      },
    });
    expect(h.registry.log).to.deep.equal([]);
  });

  it('prints the created Cluster as JSON or its name', async () => {
    const h = harness();
    expect(await h.run('a', '--server', 'https://a.example', '-o', 'json')).to.equal(0);
    const printed = JSON.parse(h.out.join('')) as { metadata: { uid: string } };
    expect(printed.metadata.uid).to.be.a('string');
    expect(await h.run('b', '--server', 'https://b.example', '-o', 'name', '-n', 'other')).to.equal(0);
    expect(h.out.at(-1)).to.equal('cluster.clusterregistry.k8s.io/b\n');
    expect(h.registry.get('clusters', 'other', 'b')).to.not.equal(undefined);
  });

  it('fails with one line, exit 1 and nothing created on bad input', async () => {
    const cases: [string[], string][] = [
      [['x', '--server', 'h', '--what'], 'error: unknown flag: --what\n'],
      [['x', '--server', 'h', '--label', 'a'], 'error: invalid --label "a": want key=value\n'],
      [
        ['x', '--server', 'http://h'],
        'error: invalid --server "http://h": scheme http is not allowed, want https\n',
      ],
      [
        ['x', '--server', 'h', '--ca-file', '/m/nope'],
        "error: cannot read --ca-file /m/nope: ENOENT: no such file or directory, open '/m/nope'\n",
      ],
      [
        ['x', '--server', 'h', '--ca-file', '/m/not-a-ca'],
        'error: --ca-file /m/not-a-ca holds no PEM certificate\n',
      ],
      [
        ['x', '--server', 'h', '--context', 'nope'],
        'error: registry kubeconfig: context "nope" not found in the kubeconfig\n',
      ],
      [
        ['x', '--from-kubeconfig', '/m/member.kubeconfig', '--from-context', 'nope'],
        'error: --from-kubeconfig /m/member.kubeconfig: context "nope" not found in the kubeconfig\n',
      ],
      [
        ['x', '--from-kubeconfig', '/m/exec.kubeconfig'],
        'error: --from-kubeconfig /m/exec.kubeconfig: context "ctx": user "u" needs an exec credential plugin (gke-gcloud-auth-plugin), which is not allowed here\n',
      ],
      [
        ['x', '--from-kubeconfig', '/m/sni.kubeconfig'],
        'error: --from-kubeconfig /m/sni.kubeconfig: context "ctx" sets tls-server-name, which a Cluster cannot record\n',
      ],
      [
        ['x', '--from-kubeconfig', '/m/absent'],
        "error: --from-kubeconfig /m/absent: cannot read kubeconfig /m/absent: ENOENT: no such file or directory, open '/m/absent'\n",
      ],
    ];
    for (const [argv, message] of cases) {
      const h = harness();
      expect(await h.run(...argv), argv.join(' ')).to.equal(1);
      expect(h.err, argv.join(' ')).to.deep.equal([message]);
      expect(h.out).to.deep.equal([]);
      expect(h.roles, argv.join(' ')).to.deep.equal([]);
    }
  });

  it('reports a Cluster that exists as an error and leaves the registry as it was', async () => {
    const h = harness();
    expect(await h.run('dup', '--server', 'https://d.example')).to.equal(0);
    const before = h.registry.keys();
    expect(await h.run('dup', '--from-kubeconfig', '/m/member.kubeconfig')).to.equal(1);
    expect(h.err).to.deep.equal([
      'error: clusters.clusterregistry.k8s.io "dup" already exists in namespace "kube-multicluster-public" of the registry\n',
    ]);
    expect(h.registry.keys()).to.deep.equal(before);
    expect(h.member.log).to.deep.equal([]);
  });

  it('prints help on stdout and exits 0', async () => {
    const h = harness();
    expect(await h.run('--help')).to.equal(0);
    expect(h.out.join('')).to.match(/^Register a cluster in the Cluster Registry/);
    expect(h.out.join('')).to.include('kubectl create cluster NAME --from-kubeconfig FILE');
  });
});
