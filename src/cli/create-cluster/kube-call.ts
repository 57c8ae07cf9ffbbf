/**
 * Calls to an API server, with their failures turned into one-line KubeCallErrors that say
 * which cluster (registry or member) failed, doing what, and why: the server's own Status
 * message when it answered, the network or TLS reason when it could not be reached.
 */
import { KubeCallError, oneLine } from './errors.ts';

/** Which cluster a call goes to, for messages. */
export interface Endpoint {
  readonly role: 'registry' | 'member';
  readonly server: string;
}

/** The parts of a Kubernetes Status body that messages and decisions use. */
export interface ApiStatus {
  readonly code: number;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly name?: string; readonly kind?: string; readonly group?: string };
}

/**
 * The HTTP status and Status body of an error thrown by a @kubernetes/client-node API call
 * (an ApiException, whose body is the response text); undefined for any other error.
 */
export function apiStatus(err: unknown): ApiStatus | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'number')
    return undefined;
  if (!('body' in err) || !('headers' in err)) return undefined;
  const code = err.code;
  let body: unknown = err.body;
  if (typeof body === 'string') {
    const text = body.trim();
    try {
      body = JSON.parse(text);
    } catch {
      return { code, ...(text ? { message: text } : {}) };
    }
  }
  if (typeof body !== 'object' || body === null) return { code };
  const b = body as Record<string, unknown>;
  const details =
    typeof b.details === 'object' && b.details !== null ? (b.details as ApiStatus['details']) : undefined;
  return {
    code,
    ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
    ...(typeof b.message === 'string' ? { message: b.message } : {}),
    ...(details ? { details } : {}),
  };
}

/**
 * The error to report for a failed call: the server's Status message with the action, or
 * "cannot reach the <role> at <server>" with the network or TLS reason. Never throws.
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
  if (!(err instanceof TypeError) || err.message !== 'fetch failed') return undefined;
  let cause: unknown = err.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0 && !cause.message) cause = cause.errors[0];
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const message = oneLine(cause);
    if (code && message && !message.includes(code)) return `${message} (${code})`;
    return message || code || 'fetch failed';
  }
  return 'fetch failed';
}
