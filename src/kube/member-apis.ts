/**
 * API clients for one member cluster whose every request is bounded (a member that accepts a
 * connection and never answers must not hang a reconcile), and the one-line description of a
 * failed member call that names the cluster.
 */
import { CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { apiStatus, apiStatusCode, fetchFailureReason } from './api-failure.ts';
import { boundedConfiguration } from './bounded-configuration.ts';

export { apiStatusCode } from './api-failure.ts';

/** The User-Agent of the controller's requests to members, so audit logs can tell them apart. */
export const MEMBER_USER_AGENT = 'kubemci-controller';

/** The clients the controller uses in a member. */
export interface MemberApis {
  readonly server: string;
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
}

/** What bounds the requests of {@link makeMemberApis}. */
export interface MemberApiLimits {
  /** Each request is aborted after this long. */
  readonly requestTimeoutMs?: number;
  /** Every request made through these clients is aborted when this fires (a call's deadline). */
  readonly signal?: AbortSignal;
}

/**
 * Clients for the current context of `kubeConfig`, every request bounded by `limits`. Throws
 * TypeError when the KubeConfig has no current cluster (connectCluster always gives one).
 */
export function makeMemberApis(kubeConfig: KubeConfig, limits: MemberApiLimits): MemberApis {
  const { server, configuration } = boundedConfiguration(
    kubeConfig,
    { ...limits, userAgent: MEMBER_USER_AGENT },
    'makeMemberApis',
  );
  return {
    server,
    core: new CoreV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
  };
}

/**
 * One line saying why a member call failed: the server's Status message when it answered, else
 * the network or TLS reason, or the deadline. Never throws.
 */
export function describeCallFailure(err: unknown): string {
  const status = apiStatus(err);
  if (status !== undefined) {
    if (status.code === 401) return 'HTTP 401 Unauthorized: the member refused the credentials';
    return oneLine(status.message ? `HTTP ${status.code}: ${status.message}` : `HTTP ${status.code}`);
  }
  if (!(err instanceof Error)) return oneLine(String(err));
  if (err.name === 'TimeoutError') return 'no answer before the deadline';
  if (err.name === 'AbortError') return 'the request was aborted (deadline)';
  return fetchFailureReason(err, oneLine) ?? oneLine(err.message);
}

/** A call to a member cluster failed; the message names the cluster and what was being done. */
export class MemberCallError extends Error {
  override name = 'MemberCallError';
  readonly cluster: string;
  /** The HTTP status when the member answered. */
  readonly status: number | undefined;

  constructor(cluster: string, action: string, cause: unknown) {
    super(`cluster ${cluster}: cannot ${action}: ${describeCallFailure(cause)}`, { cause });
    this.cluster = cluster;
    this.status = apiStatusCode(cause);
  }
}

/** Whitespace of any kind (newlines included) collapsed to single spaces, for a member's Status text. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
