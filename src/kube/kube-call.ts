/**
 * Calls to an API server, with their failures turned into one-line KubeCallErrors that say which
 * cluster (registry or member) failed, doing what, and why: the server's own Status message when
 * it answered (which for a 403 names the verb, resource and namespace the caller lacks), the
 * network or TLS reason when it could not be reached.
 */
import { apiStatus, fetchFailureReason } from './api-failure.ts';
import { oneLine } from './one-line.ts';

/** Which cluster a call goes to, for messages. */
export interface Endpoint {
  readonly role: 'registry' | 'member';
  readonly server: string;
}

/**
 * An API call that failed, with the HTTP status when the server answered (undefined when it
 * could not be reached at all). The message is one line, fit to print after "error: ".
 */
export class KubeCallError extends Error {
  override name = 'KubeCallError';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/**
 * The error to report for a failed call: the server's Status message with the action, or
 * "cannot reach the <role> at <server>" with the network or TLS reason. A KubeCallError is
 * returned as it is. Never throws.
 */
export function toKubeCallError(endpoint: Endpoint, action: string, err: unknown): KubeCallError {
  if (err instanceof KubeCallError) return err;
  const status = apiStatus(err);
  if (status) {
    const why =
      status.code === 401
        ? 'Unauthorized: the server refused the credentials'
        : (status.message ?? `HTTP ${status.code}${status.reason ? ` ${status.reason}` : ''}`);
    return new KubeCallError(`${endpoint.role}: cannot ${action}: ${oneLine(why)}`, status.code, {
      cause: err,
    });
  }
  const network = networkReason(err);
  if (network) {
    return new KubeCallError(
      `cannot reach the ${endpoint.role} at ${endpoint.server}: ${network}`,
      undefined,
      {
        cause: err,
      },
    );
  }
  return new KubeCallError(`${endpoint.role}: cannot ${action}: ${oneLine(err)}`, undefined, { cause: err });
}

/** Runs `call`, turning any failure into a KubeCallError. */
export async function kubeCall<T>(endpoint: Endpoint, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toKubeCallError(endpoint, action, err);
  }
}

/** Runs a read; a 404 gives undefined, any other failure a KubeCallError. */
export async function kubeRead<T>(
  endpoint: Endpoint,
  action: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (apiStatus(err)?.code === 404) return undefined;
    throw toKubeCallError(endpoint, action, err);
  }
}

/** The reason a request never got an answer (refused, unresolvable, timed out, TLS), if that is what happened. */
function networkReason(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'TimeoutError') return 'no answer before the request timed out';
  if (err.name === 'AbortError') return 'the request was aborted';
  return fetchFailureReason(err, oneLine);
}
