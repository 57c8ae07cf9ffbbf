/**
 * From a Cluster object to a connection to its member cluster (DESIGN §2): the endpoint for the
 * controller's address, the CA (the Cluster's `caBundle` wins over the Secret's `ca.crt`), and
 * the credentials of the Secret beside the Cluster. And a cheap probe of that connection for the
 * Cluster's `OK` condition.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterObject } from '../pipeline/types.ts';
import { apiStatusCode, describeCallFailure, makeMemberApis } from './member-apis.ts';
import { ClusterConnectionError } from './member-connection-error.ts';
import {
  caBundlePem,
  credentialSecretRef,
  readCredentialSecret,
  type CredentialSecret,
  type MemberCredentials,
} from './member-credentials.ts';
import { chooseServerEndpoint, toServerUrl, type ServerEndpoint } from './member-endpoint.ts';

export { ClusterConnectionError, type ClusterConnectionReason } from './member-connection-error.ts';
export { CREDENTIALS_ANNOTATION, GOOGLE_CREDENTIALS } from './member-credentials.ts';

/** Reads a Secret of the registry; undefined when it does not exist. */
export type ReadSecret = (namespace: string, name: string) => Promise<CredentialSecret | undefined>;

/** Options of {@link connectCluster}. */
export interface ConnectOptions {
  /** The controller's own IP address, to pick the `serverEndpoints` entry for its network. */
  readonly controllerAddress?: string;
  /**
   * The controller's Google access token, for Secrets that ask for Google identity. Called once
   * to check it works and then before every request (the source is expected to cache and
   * refresh it, as google-auth-library does).
   */
  readonly googleToken?: () => Promise<string>;
}

/** A connection to a member cluster. */
export interface ClusterConnection {
  /** One context: the member's server, CA and the controller's credentials. */
  readonly kubeConfig: KubeConfig;
  /** The https URL chosen. */
  readonly server: string;
  /** How the controller authenticates, for status and logs. */
  readonly credentials: MemberCredentials['kind'];
}

/**
 * Builds the connection to the member a Cluster describes. Makes no request to the member (see
 * {@link probeCluster}); reads the credential Secret with `readSecret`, only from the Cluster's
 * own namespace. Rejects with a ClusterConnectionError whose `reason` fits the Cluster's `OK`
 * condition and whose message names the Cluster and never holds secret material.
 */
export async function connectCluster(
  cluster: ClusterObject,
  readSecret: ReadSecret,
  options: ConnectOptions = {},
): Promise<ClusterConnection> {
  const id = { namespace: cluster.metadata?.namespace ?? '', name: cluster.metadata?.name ?? '' };
  const label = `Cluster ${id.namespace}/${id.name}`;
  const spec = asRecord(cluster.spec);
  const apiEndpoints = asRecord(spec.kubernetesApiEndpoints);
  const authInfo = asRecord(spec.authInfo);

  const ref = credentialSecretRef(authInfo.controller, id);
  const endpoints = Array.isArray(apiEndpoints.serverEndpoints)
    ? (apiEndpoints.serverEndpoints.filter(isRecordLike) as ServerEndpoint[])
    : [];
  const endpoint = chooseServerEndpoint(endpoints, options.controllerAddress);
  const caBundle =
    typeof apiEndpoints.caBundle === 'string' && apiEndpoints.caBundle !== ''
      ? apiEndpoints.caBundle
      : undefined;
  const clusterCa =
    caBundle === undefined
      ? undefined
      : caBundlePem(caBundle, `${label}: spec.kubernetesApiEndpoints.caBundle`);

  let secret: CredentialSecret | undefined;
  try {
    secret = await readSecret(ref.namespace, ref.name);
  } catch (err) {
    throw new ClusterConnectionError(
      'SecretUnreadable',
      `${label}: cannot read credentials Secret ${ref.namespace}/${ref.name}: ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    );
  }
  if (!secret) {
    throw new ClusterConnectionError(
      'SecretMissing',
      `${label}: credentials Secret ${ref.namespace}/${ref.name} not found`,
    );
  }
  const contents = readCredentialSecret(secret, `Secret ${ref.namespace}/${ref.name}`, {
    ignoreCa: clusterCa !== undefined,
  });

  const address = endpoint?.serverAddress ?? contents.server;
  if (address === undefined) {
    throw new ClusterConnectionError(
      'NoEndpoint',
      `${label} has no spec.kubernetesApiEndpoints.serverEndpoints entry with a serverAddress`,
    );
  }
  let server: string;
  try {
    server = toServerUrl(address);
  } catch (err) {
    if (err instanceof ClusterConnectionError) {
      throw new ClusterConnectionError(err.reason, `${label}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const caPem = clusterCa ?? contents.caPem;

  const userName = 'kubemci-controller';
  const user: Record<string, unknown> = { name: userName };
  if (contents.credentials.kind === 'token') user.token = contents.credentials.token;
  if (contents.credentials.kind === 'client-certificate') {
    user.certData = contents.credentials.certData;
    user.keyData = contents.credentials.keyData;
  }
  const kubeConfig = new KubeConfig();
  const clusterName = `${id.namespace}/${id.name}`;
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server,
        skipTLSVerify: false,
        ...(caPem ? { caData: caPem.toString('base64') } : {}),
        ...(contents.tlsServerName ? { tlsServerName: contents.tlsServerName } : {}),
      },
    ],
    users: [user],
    contexts: [{ name: clusterName, cluster: clusterName, user: userName }],
    currentContext: clusterName,
  });

  if (contents.credentials.kind === 'google') {
    const googleToken = options.googleToken;
    if (!googleToken) {
      throw new ClusterConnectionError(
        'CredentialsUnavailable',
        `${label}: its Secret asks for Google identity, and the controller has no Google credentials`,
      );
    }
    try {
      await googleToken();
    } catch (err) {
      throw new ClusterConnectionError(
        'CredentialsUnavailable',
        `${label}: cannot get the controller's Google access token: ${(err as Error)?.message ?? String(err)}`,
        { cause: err },
      );
    }
    kubeConfig.addAuthenticator({
      isAuthProvider: (u) => u.name === userName,
      applyAuthentication: async (_u, opts) => {
        opts.headers = { ...opts.headers, Authorization: `Bearer ${await googleToken()}` };
      },
    });
  }
  return { kubeConfig, server, credentials: contents.credentials.kind };
}

/** What {@link probeCluster} found. */
export type ProbeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'Unreachable' | 'Unauthorized' | 'Forbidden';
      readonly message: string;
    };

/**
 * Checks that the member answers and accepts the controller: lists at most one Service across
 * namespaces, a request the member ClusterRole (`config/member/clusterrole.yaml`) allows and that
 * tells a rejected credential (401) from missing rights (403), unlike `/version` or `/readyz`,
 * which any caller may read. Resolves, never rejects; the message names the server.
 */
export async function probeCluster(
  kubeConfig: KubeConfig,
  options: { readonly timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const apis = makeMemberApis(kubeConfig, { requestTimeoutMs: options.timeoutMs ?? 10_000 });
  try {
    await apis.core.listServiceForAllNamespaces({ limit: 1 });
    return { ok: true };
  } catch (err) {
    const code = apiStatusCode(err);
    const message = `${apis.server}: ${describeCallFailure(err)}`;
    if (code === 401) return { ok: false, reason: 'Unauthorized', message };
    if (code === 403) return { ok: false, reason: 'Forbidden', message };
    return { ok: false, reason: 'Unreachable', message };
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecordLike(value) ? (value as Record<string, unknown>) : {};
}

function isRecordLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
