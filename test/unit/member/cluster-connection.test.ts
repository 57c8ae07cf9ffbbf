import type { RequestOptions } from 'node:https';
import { expect } from 'chai';
import { stringify } from 'yaml';
import {
  ClusterConnectionError,
  connectCluster,
  CREDENTIALS_ANNOTATION,
  type ClusterConnectionReason,
  type ReadSecret,
} from '../../../src/kube/cluster-connection.ts';
import type { CredentialSecret } from '../../../src/kube/member-credentials.ts';
import type { ClusterObject } from '../../../src/pipeline/types.ts';
import { CA_A, CA_B, KEY_B } from './pem-fixtures.ts';

const NS = 'kube-multicluster-public';
const TOKEN = 'eyJhbGciOi.secret-token-value.sig';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function cluster(spec: Record<string, unknown>, namespace = NS): ClusterObject {
  return { metadata: { name: 'us-east', namespace }, spec };
}

const endpoint = { kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: '10.0.0.1:6443' }] } };
const ref = { authInfo: { controller: { kind: 'Secret', name: 'us-east-credentials' } } };

/** A readSecret that serves `secrets` by namespace/name and records what was asked. */
function secrets(map: Record<string, CredentialSecret>): ReadSecret & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (namespace: string, name: string) => {
    asked.push(`${namespace}/${name}`);
    return map[`${namespace}/${name}`];
  };
  return Object.assign(fn, { asked });
}

const tokenSecret = (extra: Record<string, string> = {}): CredentialSecret => ({
  data: { token: b64(`${TOKEN}\n`), ...extra },
});

function kubeconfigText(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://kc.example.com:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

async function headersOf(kc: Awaited<ReturnType<typeof connectCluster>>['kubeConfig']) {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return { headers: (opts.headers ?? {}) as Record<string, string>, ca: opts.ca };
}

async function refusal(promise: Promise<unknown>): Promise<ClusterConnectionError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(ClusterConnectionError);
    expect((err as Error).message).to.not.include(TOKEN);
    return err as ClusterConnectionError;
  }
  throw new Error('expected a ClusterConnectionError');
}

describe('connectCluster', () => {
  it('connects with the token of the Secret beside the Cluster and the chosen endpoint', async () => {
    const read = secrets({ [`${NS}/us-east-credentials`]: tokenSecret() });
    const conn = await connectCluster(
      cluster({
        kubernetesApiEndpoints: {
          serverEndpoints: [
            { clientCIDR: '0.0.0.0/0', serverAddress: 'https://public.example.com' },
            { clientCIDR: '10.0.0.0/8', serverAddress: '10.0.0.1:6443' },
          ],
        },
        ...ref,
      }),
      read,
      { controllerAddress: '10.9.9.9' },
    );
    expect(read.asked).to.deep.equal([`${NS}/us-east-credentials`]);
    expect(conn.server).to.equal('https://10.0.0.1:6443');
    expect(conn.credentials).to.equal('token');
    expect(conn.kubeConfig.getCurrentCluster()?.server).to.equal('https://10.0.0.1:6443');
    expect(conn.kubeConfig.getCurrentCluster()?.skipTLSVerify).to.equal(false);
    const { headers } = await headersOf(conn.kubeConfig);
    expect(headers.Authorization).to.equal(`Bearer ${TOKEN}`);
  });

  describe('CA precedence', () => {
    it("uses the Cluster's caBundle over the Secret's ca.crt", async () => {
      const read = secrets({ [`${NS}/us-east-credentials`]: tokenSecret({ 'ca.crt': b64(CA_B) }) });
      const conn = await connectCluster(
        cluster({
          kubernetesApiEndpoints: { ...endpoint.kubernetesApiEndpoints, caBundle: b64(CA_A) },
          ...ref,
        }),
        read,
      );
      expect(conn.kubeConfig.getCurrentCluster()?.caData).to.equal(b64(CA_A));
    });

    it("ignores a malformed ca.crt when the Cluster's caBundle wins", async () => {
      const read = secrets({ [`${NS}/us-east-credentials`]: tokenSecret({ 'ca.crt': b64('garbage') }) });
      const conn = await connectCluster(
        cluster({
          kubernetesApiEndpoints: { ...endpoint.kubernetesApiEndpoints, caBundle: b64(CA_A) },
          ...ref,
        }),
        read,
      );
      expect(conn.kubeConfig.getCurrentCluster()?.caData).to.equal(b64(CA_A));
    });

    it("uses the Secret's ca.crt when the Cluster has no caBundle, else the system roots", async () => {
      const withCa = await connectCluster(
        cluster({ ...endpoint, ...ref }),
        secrets({ [`${NS}/us-east-credentials`]: tokenSecret({ 'ca.crt': b64(CA_B) }) }),
      );
      expect(withCa.kubeConfig.getCurrentCluster()?.caData).to.equal(b64(CA_B));
      const none = await connectCluster(
        cluster({ ...endpoint, ...ref }),
        secrets({ [`${NS}/us-east-credentials`]: tokenSecret() }),
      );
      expect(none.kubeConfig.getCurrentCluster()?.caData).to.equal(undefined);
    });

    it('reports a caBundle or ca.crt that is not PEM X.509 as BadCA', async () => {
      const notPem = await refusal(
        connectCluster(
          cluster({
            kubernetesApiEndpoints: { ...endpoint.kubernetesApiEndpoints, caBundle: b64('hello') },
            ...ref,
          }),
          secrets({ [`${NS}/us-east-credentials`]: tokenSecret() }),
        ),
      );
      expect(notPem.reason).to.equal('BadCA');
      expect(notPem.message).to.match(/caBundle holds no PEM certificate/);
      const brokenCrt = await refusal(
        connectCluster(
          cluster({ ...endpoint, ...ref }),
          secrets({
            [`${NS}/us-east-credentials`]: tokenSecret({
              'ca.crt': b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
            }),
          }),
        ),
      );
      expect(brokenCrt.reason).to.equal('BadCA');
      expect(brokenCrt.message).to.match(/ca\.crt: certificate 1 does not parse/);
    });
  });

  describe('stored kubeconfig', () => {
    it('takes a token user, with the kubeconfig CA as the last resort and its server when the Cluster has none', async () => {
      const text = kubeconfigText({ token: TOKEN }, { 'certificate-authority-data': b64(CA_B) });
      const conn = await connectCluster(
        cluster({ ...ref }),
        secrets({ [`${NS}/us-east-credentials`]: { data: { kubeconfig: b64(text) } } }),
      );
      expect(conn.server).to.equal('https://kc.example.com:6443');
      expect(conn.kubeConfig.getCurrentCluster()?.caData).to.equal(b64(CA_B));
      expect((await headersOf(conn.kubeConfig)).headers.Authorization).to.equal(`Bearer ${TOKEN}`);
    });

    it('takes an inline client certificate', async () => {
      const text = kubeconfigText({ 'client-certificate-data': b64(CA_B), 'client-key-data': b64(KEY_B) });
      const conn = await connectCluster(
        cluster({ ...endpoint, ...ref }),
        secrets({ [`${NS}/us-east-credentials`]: { data: { kubeconfig: b64(text) } } }),
      );
      expect(conn.credentials).to.equal('client-certificate');
      expect(conn.server).to.equal('https://10.0.0.1:6443');
      expect(conn.kubeConfig.getCurrentUser()?.certData).to.equal(b64(CA_B));
    });

    const refused: [
      string,
      Record<string, unknown>,
      Record<string, unknown>,
      ClusterConnectionReason,
      RegExp,
    ][] = [
      [
        'an exec plugin',
        { exec: { command: 'gke-gcloud-auth-plugin', apiVersion: 'client.authentication.k8s.io/v1' } },
        {},
        'SecretRefused',
        /exec credential plugin \(gke-gcloud-auth-plugin\)/,
      ],
      [
        'an auth-provider',
        { 'auth-provider': { name: 'gcp' } },
        {},
        'SecretRefused',
        /auth provider \(gcp\)/,
      ],
      ['a token file', { tokenFile: '/var/run/token' }, {}, 'SecretRefused', /tokenFile names a file/],
      [
        'a client certificate file',
        { 'client-certificate': '/etc/c.crt', 'client-key': '/etc/c.key' },
        {},
        'SecretRefused',
        /names a file/,
      ],
      [
        'a CA file',
        { token: TOKEN },
        { 'certificate-authority': '/etc/ca.crt' },
        'SecretRefused',
        /certificate-authority names a file/,
      ],
      [
        'insecure TLS',
        { token: TOKEN },
        { 'insecure-skip-tls-verify': true },
        'SecretRefused',
        /skips TLS verification/,
      ],
      ['a proxy', { token: TOKEN }, { 'proxy-url': 'http://proxy:3128' }, 'SecretRefused', /proxy-url/],
      ['basic auth', { username: 'admin', password: 'pw' }, {}, 'SecretRefused', /basic authentication/],
      ['no credentials', {}, {}, 'BadCredentials', /has no token or client certificate/],
    ];
    for (const [what, user, clusterFields, reason, pattern] of refused) {
      it(`refuses ${what} (${reason})`, async () => {
        const text = kubeconfigText(user, clusterFields);
        const err = await refusal(
          connectCluster(
            cluster({ ...endpoint, ...ref }),
            secrets({ [`${NS}/us-east-credentials`]: { data: { kubeconfig: b64(text) } } }),
          ),
        );
        expect(err.reason).to.equal(reason);
        expect(err.message).to.match(pattern);
        expect(err.message).to.include(`Secret ${NS}/us-east-credentials`);
      });
    }

    it('says a kubeconfig that is not YAML is malformed without quoting it', async () => {
      const text = `token: ${TOKEN}\n  : [unclosed`;
      const err = await refusal(
        connectCluster(
          cluster({ ...endpoint, ...ref }),
          secrets({ [`${NS}/us-east-credentials`]: { data: { kubeconfig: b64(text) } } }),
        ),
      );
      expect(err.reason).to.equal('BadCredentials');
      expect(err.cause).to.equal(undefined);
    });
  });

  describe('refusals', () => {
    it('refuses a reference to a Secret in another namespace without reading it', async () => {
      const read = secrets({ 'kube-system/admin': tokenSecret() });
      const err = await refusal(
        connectCluster(
          cluster({
            ...endpoint,
            authInfo: { controller: { kind: 'Secret', name: 'admin', namespace: 'kube-system' } },
          }),
          read,
        ),
      );
      expect(err.reason).to.equal('SecretOutsideNamespace');
      expect(err.message).to.include('kube-system/admin');
      expect(read.asked).to.deep.equal([]);
    });

    it('accepts a reference that names its own namespace explicitly', async () => {
      const read = secrets({ [`${NS}/us-east-credentials`]: tokenSecret() });
      await connectCluster(
        cluster({
          ...endpoint,
          authInfo: { controller: { kind: 'Secret', name: 'us-east-credentials', namespace: NS } },
        }),
        read,
      );
      expect(read.asked).to.deep.equal([`${NS}/us-east-credentials`]);
    });

    const cases: [
      string,
      ClusterObject,
      Record<string, CredentialSecret>,
      ClusterConnectionReason,
      RegExp,
    ][] = [
      ['no reference', cluster({ ...endpoint }), {}, 'NoCredentials', /names no credentials/],
      [
        'a ConfigMap reference',
        cluster({ ...endpoint, authInfo: { controller: { kind: 'ConfigMap', name: 'x' } } }),
        {},
        'SecretRefused',
        /ConfigMap/,
      ],
      [
        'a missing Secret',
        cluster({ ...endpoint, ...ref }),
        {},
        'SecretMissing',
        /us-east-credentials not found/,
      ],
      [
        'no endpoint',
        cluster({ ...ref }),
        { [`${NS}/us-east-credentials`]: tokenSecret() },
        'NoEndpoint',
        /no spec.kubernetesApiEndpoints.serverEndpoints/,
      ],
      [
        'a plain-http endpoint',
        cluster({
          kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: 'http://10.0.0.1' }] },
          ...ref,
        }),
        { [`${NS}/us-east-credentials`]: tokenSecret() },
        'BadEndpoint',
        /Cluster kube-multicluster-public\/us-east: serverAddress .* plain http/,
      ],
      [
        'an empty Secret',
        cluster({ ...endpoint, ...ref }),
        { [`${NS}/us-east-credentials`]: { data: {} } },
        'BadCredentials',
        /neither token nor kubeconfig/,
      ],
      [
        'a blank token',
        cluster({ ...endpoint, ...ref }),
        { [`${NS}/us-east-credentials`]: { data: { token: b64(' \n') } } },
        'BadCredentials',
        /token is empty/,
      ],
      [
        'a token with spaces',
        cluster({ ...endpoint, ...ref }),
        { [`${NS}/us-east-credentials`]: { data: { token: b64(`${TOKEN} x`) } } },
        'BadCredentials',
        /characters a bearer token cannot have/,
      ],
      [
        'both token and kubeconfig',
        cluster({ ...endpoint, ...ref }),
        {
          [`${NS}/us-east-credentials`]: {
            data: { token: b64(TOKEN), kubeconfig: b64(kubeconfigText({ token: TOKEN })) },
          },
        },
        'SecretRefused',
        /both token and kubeconfig/,
      ],
      [
        'an unknown credentials annotation',
        cluster({ ...endpoint, ...ref }),
        {
          [`${NS}/us-east-credentials`]: {
            metadata: { annotations: { [CREDENTIALS_ANNOTATION]: 'aws' } },
            data: {},
          },
        },
        'SecretRefused',
        /"aws"/,
      ],
    ];
    for (const [what, object, map, reason, pattern] of cases) {
      it(`reports ${what} as ${reason}`, async () => {
        const err = await refusal(connectCluster(object, secrets(map)));
        expect(err.reason).to.equal(reason);
        expect(err.message).to.match(pattern);
      });
    }

    it('reports a registry that cannot be read as SecretUnreadable, with the cause', async () => {
      const failure = new Error('connection refused');
      const err = await refusal(
        connectCluster(cluster({ ...endpoint, ...ref }), async () => {
          throw failure;
        }),
      );
      expect(err.reason).to.equal('SecretUnreadable');
      expect(err.cause).to.equal(failure);
    });
  });

  describe('Google identity', () => {
    const googleSecret: CredentialSecret = {
      metadata: { annotations: { [CREDENTIALS_ANNOTATION]: 'google' } },
      data: { 'ca.crt': b64(CA_A) },
    };

    it("sends the controller's current Google token on every request", async () => {
      let n = 0;
      const conn = await connectCluster(
        cluster({ ...endpoint, ...ref }),
        secrets({ [`${NS}/us-east-credentials`]: googleSecret }),
        {
          googleToken: async () => `ya29.token-${++n}`,
        },
      );
      expect(conn.credentials).to.equal('google');
      expect(conn.kubeConfig.getCurrentCluster()?.caData).to.equal(b64(CA_A));
      expect((await headersOf(conn.kubeConfig)).headers.Authorization).to.equal('Bearer ya29.token-2');
      expect((await headersOf(conn.kubeConfig)).headers.Authorization).to.equal('Bearer ya29.token-3');
    });

    it('is CredentialsUnavailable without a Google token source or when it fails', async () => {
      const read = secrets({ [`${NS}/us-east-credentials`]: googleSecret });
      const none = await refusal(connectCluster(cluster({ ...endpoint, ...ref }), read));
      expect(none.reason).to.equal('CredentialsUnavailable');
      const failing = await refusal(
        connectCluster(cluster({ ...endpoint, ...ref }), read, {
          googleToken: async () => {
            throw new Error('metadata server unreachable');
          },
        }),
      );
      expect(failing.reason).to.equal('CredentialsUnavailable');
      expect(failing.message).to.include('metadata server unreachable');
    });

    it('refuses a Google Secret that also holds a token', async () => {
      const err = await refusal(
        connectCluster(
          cluster({ ...endpoint, ...ref }),
          secrets({ [`${NS}/us-east-credentials`]: { ...googleSecret, data: { token: b64(TOKEN) } } }),
          { googleToken: async () => 'g' },
        ),
      );
      expect(err.reason).to.equal('SecretRefused');
    });
  });
});
