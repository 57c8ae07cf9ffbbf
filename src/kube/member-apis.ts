/**
 * API clients for one member cluster whose every request is bounded (a member that accepts a
 * connection and never answers must not hang a reconcile), and the one-line description of a
 * failed member call that names the cluster.
 */
import {
  CoreV1Api,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';

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
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new TypeError('makeMemberApis: the KubeConfig has no current cluster');
  const bounded: Middleware = {
    pre: async (request) => {
      const signals = [
        ...(limits.requestTimeoutMs !== undefined ? [AbortSignal.timeout(limits.requestTimeoutMs)] : []),
        ...(limits.signal ? [limits.signal] : []),
      ];
      if (signals.length > 0) request.setSignal(AbortSignal.any(signals));
      request.setHeaderParam('User-Agent', MEMBER_USER_AGENT);
      return request;
    },
    post: async (response) => response,
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [bounded],
  });
  return {
    server: cluster.server,
    core: new CoreV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
  };
}

/** The HTTP status of a failed client-node API call (an ApiException); undefined for others. */
export function apiStatusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if (!('code' in err) || typeof err.code !== 'number' || !('body' in err)) return undefined;
  return err.code;
}

/**
 * One line saying why a member call failed: the server's Status message when it answered, else
 * the network or TLS reason, or the deadline. Never throws.
 */
export function describeCallFailure(err: unknown): string {
  const code = apiStatusCode(err);
  if (code !== undefined) {
    const body = (err as { body?: unknown }).body;
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        message = body.trim() || undefined;
      }
    }
    if (code === 401) return 'HTTP 401 Unauthorized: the member refused the credentials';
    return oneLine(message ? `HTTP ${code}: ${message}` : `HTTP ${code}`);
  }
  if (!(err instanceof Error)) return oneLine(String(err));
  if (err.name === 'TimeoutError') return 'no answer before the deadline';
  if (err.name === 'AbortError') return 'the request was aborted (deadline)';
  if (err instanceof TypeError && err.message === 'fetch failed') {
    let cause: unknown = err.cause;
    if (cause instanceof AggregateError && cause.errors.length > 0 && !cause.message) cause = cause.errors[0];
    if (cause instanceof Error) {
      const errno = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
      const message = oneLine(cause.message);
      if (errno && !message.includes(errno)) return `${message} (${errno})`;
      return message || errno || 'fetch failed';
    }
  }
  return oneLine(err.message);
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

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
