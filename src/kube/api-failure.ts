/**
 * What a failed @kubernetes/client-node API call says about itself: the HTTP status and Status
 * body when the server answered, or why the request got no answer (refused, unresolvable, TLS).
 * The pieces every description of a failed call is made of, whoever words it. Pure.
 */

/** The parts of a Kubernetes Status body that messages and decisions use. */
export interface ApiStatus {
  readonly code: number;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly name?: string; readonly kind?: string; readonly group?: string };
}

/**
 * The HTTP status and Status body of an error thrown by a client-node API call (an ApiException,
 * whose body is the response text: a Status as JSON, or plain text such as "404 page not
 * found"); undefined for any other error. Never throws.
 */
export function apiStatus(err: unknown): ApiStatus | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'number')
    return undefined;
  if (!('body' in err)) return undefined;
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

/** The HTTP status of a failed client-node API call (an ApiException); undefined for others. Never throws. */
export function apiStatusCode(err: unknown): number | undefined {
  return apiStatus(err)?.code;
}

/**
 * Why a request never reached the server, for fetch's `TypeError: fetch failed`: the network or
 * TLS error behind it (the first of an unnamed AggregateError, as a dual-stack connect gives),
 * its text made one line by `flatten` and followed by its code when the text does not already
 * hold it. Undefined for any other error. Never throws.
 */
export function fetchFailureReason(err: unknown, flatten: (text: string) => string): string | undefined {
  if (!(err instanceof TypeError) || err.message !== 'fetch failed') return undefined;
  let cause: unknown = err.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0 && !cause.message) cause = cause.errors[0];
  if (!(cause instanceof Error)) return 'fetch failed';
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = flatten(cause.message);
  if (code && message && !message.includes(code)) return `${message} (${code})`;
  return message || code || 'fetch failed';
}
