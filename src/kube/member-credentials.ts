/**
 * Reading the credentials a Cluster's `spec.authInfo.controller` points at: where the Secret may
 * be, what it may hold, and the CA it may carry. Pure: reading the Secret is the caller's job.
 * Messages name keys and objects, never their values.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { credentialKind, checkKubeconfigSelection, STORED_KUBECONFIG_POLICY } from './kubeconfig-policy.ts';
import { KubeconfigError, parseKubeconfig, selectContext } from './kubeconfig.ts';
import { ClusterConnectionError } from './member-connection-error.ts';

/**
 * Annotation on a credential Secret declaring how the controller authenticates. The one value,
 * `google`, means "use the controller's own Google access token as a bearer token" (GKE members
 * whose IAM grants the controller's Google identity access); such a Secret may carry a `ca.crt`
 * and nothing else.
 */
export const CREDENTIALS_ANNOTATION = 'kubemci.io/credentials';

/** The value of {@link CREDENTIALS_ANNOTATION} that asks for Google identity. */
export const GOOGLE_CREDENTIALS = 'google';

/** How the controller authenticates to a member. Base64 fields are as a kubeconfig holds them. */
export type MemberCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'client-certificate'; readonly certData: string; readonly keyData: string }
  | { readonly kind: 'google' };

/** What a credential Secret yields. */
export interface SecretContents {
  readonly credentials: MemberCredentials;
  /** `ca.crt`, else the stored kubeconfig's CA: PEM, checked. */
  readonly caPem?: Buffer;
  /** The stored kubeconfig's server: used only when the Cluster names no endpoint. */
  readonly server?: string;
  /** The stored kubeconfig's `tls-server-name`. */
  readonly tlsServerName?: string;
}

/** The part of a Secret read here; a client-node V1Secret fits. */
export interface CredentialSecret {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly data?: Readonly<Record<string, string>>;
}

/**
 * The Secret that `spec.authInfo.controller` names, which must sit in the Cluster's own
 * namespace: a reference without a namespace means that one, and a reference naming another
 * namespace is refused even when it exists (a Cluster must not make the controller read Secrets
 * its author could not). Throws ClusterConnectionError `NoCredentials` when there is no
 * reference or it has no name, `SecretOutsideNamespace`, or `SecretRefused` for a kind other
 * than Secret.
 */
export function credentialSecretRef(
  authInfoController: unknown,
  cluster: { readonly namespace: string; readonly name: string },
): { readonly namespace: string; readonly name: string } {
  const ref = isRecord(authInfoController) ? authInfoController : {};
  const name = typeof ref.name === 'string' ? ref.name : '';
  if (name === '') {
    throw new ClusterConnectionError(
      'NoCredentials',
      `Cluster ${cluster.namespace}/${cluster.name} names no credentials (spec.authInfo.controller)`,
    );
  }
  const kind = typeof ref.kind === 'string' && ref.kind !== '' ? ref.kind : 'Secret';
  if (kind !== 'Secret') {
    throw new ClusterConnectionError(
      'SecretRefused',
      `Cluster ${cluster.namespace}/${cluster.name}: spec.authInfo.controller is a ${kind}; only a Secret is supported`,
    );
  }
  const namespace =
    typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : cluster.namespace;
  if (namespace !== cluster.namespace) {
    throw new ClusterConnectionError(
      'SecretOutsideNamespace',
      `Cluster ${cluster.namespace}/${cluster.name}: credentials Secret ${namespace}/${name} is outside the Cluster's namespace; only Secrets in ${cluster.namespace} are accepted`,
    );
  }
  return { namespace, name };
}

/**
 * Reads a credential Secret: `token` (+ optional `ca.crt`), or `kubeconfig` whose current
 * context's user is a token or an inline client certificate (checked with
 * STORED_KUBECONFIG_POLICY: no exec, auth-provider, file paths or insecure TLS), or the
 * {@link CREDENTIALS_ANNOTATION} asking for Google identity. `where` names the Secret in
 * messages. With `ignoreCa` (the Cluster's own caBundle wins) the Secret's CA is neither read
 * nor checked. Throws ClusterConnectionError `SecretRefused` (what we do not do, or both `token`
 * and `kubeconfig`), `BadCredentials` (malformed or empty), or `BadCA`.
 */
export function readCredentialSecret(
  secret: CredentialSecret,
  where: string,
  options: { readonly ignoreCa?: boolean } = {},
): SecretContents {
  const data = secret.data ?? {};
  const mode = secret.metadata?.annotations?.[CREDENTIALS_ANNOTATION];
  const has = (key: string) => typeof data[key] === 'string' && data[key] !== '';
  const withCa = (
    contents: Omit<SecretContents, 'caPem'>,
    fallbackCa?: () => Buffer | undefined,
  ): SecretContents => {
    if (options.ignoreCa) return contents;
    const caPem = has('ca.crt')
      ? checkCaPem(decodeData(data['ca.crt']!, where, 'ca.crt', 'BadCA'), `${where} key ca.crt`)
      : fallbackCa?.();
    return caPem ? { ...contents, caPem } : contents;
  };

  if (mode !== undefined) {
    if (mode !== GOOGLE_CREDENTIALS) {
      throw new ClusterConnectionError(
        'SecretRefused',
        `${where}: annotation ${CREDENTIALS_ANNOTATION} is ${JSON.stringify(mode)}; the only value is "${GOOGLE_CREDENTIALS}"`,
      );
    }
    if (has('token') || has('kubeconfig')) {
      throw new ClusterConnectionError(
        'SecretRefused',
        `${where} asks for Google identity and also holds ${has('token') ? 'token' : 'kubeconfig'}; keep one way to authenticate`,
      );
    }
    return withCa({ credentials: { kind: 'google' } });
  }
  if (has('token') && has('kubeconfig')) {
    throw new ClusterConnectionError(
      'SecretRefused',
      `${where} holds both token and kubeconfig; keep one way to authenticate`,
    );
  }
  if (has('token')) {
    const token = checkToken(
      decodeData(data.token!, where, 'token', 'BadCredentials').toString('utf8'),
      `${where} key token`,
    );
    return withCa({ credentials: { kind: 'token', token } });
  }
  if (has('kubeconfig')) {
    const text = decodeData(data.kubeconfig!, where, 'kubeconfig', 'BadCredentials').toString('utf8');
    const contents = readStoredKubeconfig(text, where);
    return withCa(contents.rest, contents.caPem);
  }
  throw new ClusterConnectionError(
    'BadCredentials',
    `${where} holds neither token nor kubeconfig (nor the ${CREDENTIALS_ANNOTATION}: ${GOOGLE_CREDENTIALS} annotation)`,
  );
}

/**
 * PEM bytes from a Cluster's `caBundle` (base64 of PEM, the API's `format: byte`). Throws
 * ClusterConnectionError `BadCA` when it is not base64 or not PEM X.509 certificates.
 */
export function caBundlePem(caBundle: string, what: string): Buffer {
  return checkCaPem(
    decodeBase64(caBundle, () => {
      throw new ClusterConnectionError('BadCA', `${what} is not base64`);
    }),
    what,
  );
}

/**
 * Checks that `pem` holds one or more PEM certificates, each parsing as X.509, and returns it.
 * Throws ClusterConnectionError `BadCA` naming `what` otherwise.
 */
export function checkCaPem(pem: Buffer, what: string): Buffer {
  const blocks =
    pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ClusterConnectionError('BadCA', `${what} holds no PEM certificate`);
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new ClusterConnectionError('BadCA', `${what}: certificate ${i + 1} does not parse as X.509`, {
        cause: err,
      });
    }
  }
  return pem;
}

function readStoredKubeconfig(
  text: string,
  where: string,
): { rest: Omit<SecretContents, 'caPem'>; caPem?: () => Buffer } {
  const what = `${where} key kubeconfig`;
  let selection;
  try {
    // No cause: a YAML parser's message may quote the text, which holds the credentials.
    selection = selectContext(parseKubeconfig(text, what));
  } catch (err) {
    if (!(err instanceof KubeconfigError)) throw err;
    const detail = err.message.includes('not valid YAML')
      ? 'is not valid YAML'
      : `is unusable: ${err.message}`;
    throw new ClusterConnectionError('BadCredentials', `${what} ${detail}`);
  }
  try {
    checkKubeconfigSelection(selection, STORED_KUBECONFIG_POLICY);
  } catch (err) {
    throw new ClusterConnectionError('SecretRefused', `${what}: ${(err as Error).message}`, { cause: err });
  }
  const { cluster, user } = selection;
  if (cluster.proxyUrl) {
    throw new ClusterConnectionError('SecretRefused', `${what}: proxy-url is not supported`);
  }
  if (user.impersonate) {
    throw new ClusterConnectionError('SecretRefused', `${what}: impersonation (as) is not supported`);
  }
  const base = {
    ...(cluster.server ? { server: cluster.server } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
  };
  const data = cluster.certificateAuthorityData;
  const caPem = data
    ? () =>
        checkCaPem(
          decodeBase64(data.replace(/\s+/g, ''), () => {
            throw new ClusterConnectionError('BadCA', `${what}: certificate-authority-data is not base64`);
          }),
          `${what} certificate-authority-data`,
        )
    : undefined;
  const kind = credentialKind(user);
  let credentials: MemberCredentials;
  if (kind === 'token') {
    credentials = { kind: 'token', token: checkToken(user.token ?? '', `${what} token`) };
  } else if (kind === 'client-certificate') {
    if (!user.clientCertificateData || !user.clientKeyData) {
      throw new ClusterConnectionError(
        'BadCredentials',
        `${what}: user "${user.name}" needs both client-certificate-data and client-key-data`,
      );
    }
    checkClientCertificate(user.clientCertificateData, user.clientKeyData, what);
    credentials = {
      kind: 'client-certificate',
      certData: user.clientCertificateData,
      keyData: user.clientKeyData,
    };
  } else if (kind === 'basic') {
    throw new ClusterConnectionError(
      'SecretRefused',
      `${what}: user "${user.name}" uses basic authentication, which is not supported`,
    );
  } else {
    throw new ClusterConnectionError(
      'BadCredentials',
      `${what}: user "${user.name}" has no token or client certificate`,
    );
  }
  return { rest: { credentials, ...base }, ...(caPem ? { caPem } : {}) };
}

function checkClientCertificate(certData: string, keyData: string, what: string): void {
  const bad = (): never => {
    throw new ClusterConnectionError(
      'BadCredentials',
      `${what}: the client certificate or key does not parse`,
    );
  };
  const cert = decodeBase64(certData.replace(/\s+/g, ''), bad);
  const key = decodeBase64(keyData.replace(/\s+/g, ''), bad);
  try {
    new X509Certificate(cert);
    createPrivateKey(key);
  } catch {
    // No cause: a key parser's error is no place to risk key material.
    bad();
  }
}

/** A bearer token: surrounding whitespace dropped (files often end in a newline), then printable ASCII. */
function checkToken(raw: string, what: string): string {
  const token = raw.trim();
  if (token === '') throw new ClusterConnectionError('BadCredentials', `${what} is empty`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ClusterConnectionError('BadCredentials', `${what} has characters a bearer token cannot have`);
  }
  return token;
}

function decodeData(value: string, where: string, key: string, reason: 'BadCA' | 'BadCredentials'): Buffer {
  return decodeBase64(value, () => {
    throw new ClusterConnectionError(reason, `${where} key ${key} is not base64`);
  });
}

function decodeBase64(value: string, fail: () => never): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) fail();
  return Buffer.from(value, 'base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
