import { expect } from 'chai';
import {
  KubeconfigError,
  mergeKubeconfigs,
  parseKubeconfig,
  selectContext,
} from '../../../src/kube/kubeconfig.ts';
import { toClientKubeConfig } from '../../../src/kube/kubeconfig-client.ts';
import { kubeconfigPaths, readClusterCa, readKubeconfig } from '../../../src/kube/kubeconfig-files.ts';
import {
  KubeconfigRefusedError,
  STORED_KUBECONFIG_POLICY,
  checkKubeconfigSelection,
  credentialKind,
} from '../../../src/kube/kubeconfig-policy.ts';

const A = `
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster: {server: "https://a.example:6443/", certificate-authority: ca.crt}
- name: shared
  cluster: {server: "https://from-a.example"}
- cluster: {server: "https://nameless"}
users:
- name: ua
  user: {client-certificate: certs/a.crt, client-key: /abs/a.key}
contexts:
- name: a
  context: {cluster: ca, user: ua, namespace: team-a}
- name: s
  context: {cluster: shared}
`;

const B = `
current-context: b
clusters:
- name: shared
  cluster: {server: "https://from-b.example"}
- name: cb
  cluster: {server: "https://b.example", certificate-authority-data: ${Buffer.from('PEM').toString('base64')}}
users:
- name: ub
  user: {token: t0k}
- name: ghost-user
  user: {exec: {command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1}}
contexts:
- name: b
  context: {cluster: cb, user: ub}
- name: e
  context: {cluster: cb, user: ghost-user}
- name: missing-user
  context: {cluster: cb, user: nobody}
- name: missing-cluster
  context: {cluster: nowhere, user: ub}
`;

describe('kubeconfig parsing, merging and selection', () => {
  it('parses entries, resolves relative paths against the file, and skips nameless entries', () => {
    const kc = parseKubeconfig(A, 'a.yaml', '/home/u/.kube');
    expect(kc.currentContext).to.equal('a');
    expect(kc.clusters).to.deep.equal([
      {
        name: 'ca',
        server: 'https://a.example:6443',
        certificateAuthority: '/home/u/.kube/ca.crt',
        insecureSkipTlsVerify: false,
      },
      { name: 'shared', server: 'https://from-a.example', insecureSkipTlsVerify: false },
    ]);
    expect(kc.users).to.deep.equal([
      { name: 'ua', clientCertificate: '/home/u/.kube/certs/a.crt', clientKey: '/abs/a.key' },
    ]);
    expect(kc.contexts[0]).to.deep.equal({ name: 'a', cluster: 'ca', user: 'ua', namespace: 'team-a' });
  });

  it('keeps paths as written when the kubeconfig did not come from a file', () => {
    expect(parseKubeconfig(A, 'secret').clusters[0]?.certificateAuthority).to.equal('ca.crt');
  });

  it('treats an empty document as an empty kubeconfig and refuses what is not one', () => {
    expect(parseKubeconfig('', 'e')).to.deep.equal({ clusters: [], users: [], contexts: [] });
    expect(() => parseKubeconfig('clusters: {a: 1}', 'x')).to.throw(
      KubeconfigError,
      'kubeconfig x: clusters is not a list',
    );
    expect(() => parseKubeconfig('- 1', 'x')).to.throw(KubeconfigError, 'kubeconfig x is not a mapping');
    expect(() => parseKubeconfig('a: [', 'x')).to.throw(KubeconfigError, /^kubeconfig x is not valid YAML/);
    expect(() => parseKubeconfig('clusters: [{name: c, cluster: {server: 5}}]', 'x')).to.throw(
      KubeconfigError,
      'kubeconfig x: cluster c server is not a string',
    );
  });

  it('merges like KUBECONFIG: the first definition of a name and the first current-context win', () => {
    const merged = mergeKubeconfigs([parseKubeconfig(A, 'a'), parseKubeconfig(B, 'b')]);
    expect(merged.currentContext).to.equal('a');
    expect(merged.clusters.find((c) => c.name === 'shared')?.server).to.equal('https://from-a.example');
    expect(merged.contexts.map((c) => c.name)).to.deep.equal([
      'a',
      's',
      'b',
      'e',
      'missing-user',
      'missing-cluster',
    ]);
  });

  it('selects the current or named context, with an anonymous user when it names none', () => {
    const merged = mergeKubeconfigs([parseKubeconfig(A, 'a'), parseKubeconfig(B, 'b')]);
    expect(selectContext(merged).cluster.name).to.equal('ca');
    const s = selectContext(merged, 's');
    expect(s.user).to.deep.equal({ name: '' });
    expect(credentialKind(s.user)).to.equal('anonymous');
    expect(selectContext(merged, 'b').user.token).to.equal('t0k');
  });

  it('says what is wrong with a context that cannot be used', () => {
    const kc = parseKubeconfig(B, 'b');
    expect(() => selectContext(kc, 'nope')).to.throw(
      KubeconfigError,
      'context "nope" not found in the kubeconfig',
    );
    expect(() => selectContext(kc, 'missing-user')).to.throw(KubeconfigError, /names user "nobody"/);
    expect(() => selectContext(kc, 'missing-cluster')).to.throw(KubeconfigError, /names cluster "nowhere"/);
    expect(() => selectContext({ ...kc, currentContext: undefined })).to.throw(
      KubeconfigError,
      /no current-context/,
    );
  });
});

describe('kubeconfig files', () => {
  const files: Record<string, string> = { '/k/a': A, '/k/b': B };
  const read = (f: string): string => {
    const text = files[f];
    if (text === undefined)
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
    return text;
  };

  it('looks where kubectl looks: --kubeconfig, then KUBECONFIG, then ~/.kube/config', () => {
    expect(kubeconfigPaths({ explicitPath: '/x', envValue: '/a:/b', homeDir: '/h' })).to.deep.equal({
      paths: ['/x'],
      explicit: true,
    });
    expect(kubeconfigPaths({ envValue: '/a::/b', homeDir: '/h' })).to.deep.equal({
      paths: ['/a', '/b'],
      explicit: false,
    });
    expect(kubeconfigPaths({ homeDir: '/h' })).to.deep.equal({ paths: ['/h/.kube/config'], explicit: false });
    expect(kubeconfigPaths({})).to.deep.equal({ paths: [], explicit: false });
  });

  it('skips missing KUBECONFIG files but not a missing --kubeconfig', () => {
    const kc = readKubeconfig({ envValue: '/k/missing:/k/b:/k/a' }, read);
    expect(kc.currentContext).to.equal('b');
    expect(kc.clusters.find((c) => c.name === 'shared')?.server).to.equal('https://from-b.example');
    expect(() => readKubeconfig({ explicitPath: '/k/missing' }, read)).to.throw(
      KubeconfigError,
      "cannot read kubeconfig /k/missing: ENOENT: no such file or directory, open '/k/missing'",
    );
    expect(() => readKubeconfig({ envValue: '/k/none' }, read)).to.throw(
      KubeconfigError,
      'no kubeconfig found (looked in /k/none)',
    );
  });

  it('reads a cluster CA from its file or its inline data', () => {
    const kc = parseKubeconfig(B, 'b');
    const cb = kc.clusters.find((c) => c.name === 'cb');
    expect(readClusterCa(cb!)?.toString()).to.equal('PEM');
    expect(
      readClusterCa(
        { name: 'f', server: 's', insecureSkipTlsVerify: false, certificateAuthority: '/ca' },
        () => Buffer.from('X'),
      )?.toString(),
    ).to.equal('X');
    expect(readClusterCa({ name: 'n', server: 's', insecureSkipTlsVerify: false })).to.equal(undefined);
    expect(() =>
      readClusterCa({
        name: 'bad',
        server: 's',
        insecureSkipTlsVerify: false,
        certificateAuthorityData: 'not base64!',
      }),
    ).to.throw(KubeconfigError, 'certificate-authority-data of cluster "bad" is not base64');
  });
});

describe('kubeconfig policy', () => {
  const b = parseKubeconfig(B, 'b');
  const permissive = { allowExec: true, allowAuthProvider: true, allowFiles: true, allowInsecure: true };

  it('refuses exec and auth-provider users when the policy says so', () => {
    const e = selectContext(b, 'e');
    expect(credentialKind(e.user)).to.equal('exec');
    expect(() => checkKubeconfigSelection(e, { ...permissive, allowExec: false })).to.throw(
      KubeconfigRefusedError,
      'context "e": user "ghost-user" needs an exec credential plugin (gke-gcloud-auth-plugin), which is not allowed here',
    );
    checkKubeconfigSelection(e, permissive);
    const gcp = parseKubeconfig(
      'clusters: [{name: c, cluster: {server: "https://x"}}]\nusers: [{name: g, user: {auth-provider: {name: gcp}}}]\ncontexts: [{name: g, context: {cluster: c, user: g}}]',
      'g',
    );
    expect(() => checkKubeconfigSelection(selectContext(gcp, 'g'), STORED_KUBECONFIG_POLICY)).to.throw(
      KubeconfigRefusedError,
      'needs an auth provider (gcp)',
    );
  });

  it('refuses file paths and skipped TLS verification for stored kubeconfigs', () => {
    const a = selectContext(parseKubeconfig(A, 'a', '/d'), 'a');
    expect(() => checkKubeconfigSelection(a, STORED_KUBECONFIG_POLICY)).to.throw(
      KubeconfigRefusedError,
      'context "a": cluster "ca" certificate-authority names a file (/d/ca.crt); only inline data is allowed here',
    );
    const insecure = selectContext(
      parseKubeconfig(
        'clusters: [{name: c, cluster: {server: "https://x", insecure-skip-tls-verify: true}}]\ncontexts: [{name: i, context: {cluster: c}}]',
        'i',
      ),
      'i',
    );
    expect(() => checkKubeconfigSelection(insecure, STORED_KUBECONFIG_POLICY)).to.throw(
      KubeconfigRefusedError,
      /skips TLS verification/,
    );
    checkKubeconfigSelection(selectContext(b, 'b'), STORED_KUBECONFIG_POLICY);
  });
});

describe('toClientKubeConfig', () => {
  it('builds a one-context client configuration, reading a tokenFile', () => {
    const kc = parseKubeconfig(
      'clusters: [{name: c, cluster: {server: "https://x:6443", certificate-authority-data: QUJD}}]\nusers: [{name: u, user: {tokenFile: /run/tok}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]',
      't',
    );
    const client = toClientKubeConfig(selectContext(kc, 'ctx'), () => 'secret-token\n');
    expect(client.getCurrentContext()).to.equal('ctx');
    expect(client.getCurrentCluster()?.server).to.equal('https://x:6443');
    expect(client.getCurrentCluster()?.caData).to.equal('QUJD');
    expect(client.getCurrentUser()?.token).to.equal('secret-token');
    expect(() =>
      toClientKubeConfig(selectContext(kc, 'ctx'), () => {
        throw new Error('EACCES');
      }),
    ).to.throw(KubeconfigError, 'cannot read tokenFile /run/tok of user "u"');
  });
});
