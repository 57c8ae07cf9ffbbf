import {
  AlreadyExistsError,
  GceError,
  InUseError,
  InvalidError,
  NotFoundError,
  NotReadyError,
  PermissionDeniedError,
  PreconditionFailedError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnauthenticatedError,
} from './errors.ts';
import type { GceErrorDetails, GceErrorItem, GceErrorKind } from './errors.ts';

/** The kinds a response can have; `timeout` is ours alone (an operation past its deadline). */
export type ResponseKind = Exclude<GceErrorKind, 'timeout'>;

/**
 * Reasons (HTTP `errors[].reason`, and operation error codes turned to lowerCamel) that decide
 * the kind on their own, whatever the status: a 403 can be a rate limit, a quota or IAM.
 */
const KIND_BY_REASON: Readonly<Record<string, ResponseKind>> = {
  notFound: 'notFound',
  resourceNotFound: 'notFound',
  alreadyExists: 'alreadyExists',
  resourceAlreadyExists: 'alreadyExists',
  conditionNotMet: 'preconditionFailed',
  resourceInUseByAnotherResource: 'inUse',
  resourceNotReady: 'notReady',
  rateLimitExceeded: 'rateLimited',
  userRateLimitExceeded: 'rateLimited',
  quotaExceeded: 'quotaExceeded',
  backendError: 'transient',
  internalError: 'transient',
  serviceUnavailable: 'transient',
};

const CLASS_BY_KIND = {
  notFound: NotFoundError,
  alreadyExists: AlreadyExistsError,
  preconditionFailed: PreconditionFailedError,
  inUse: InUseError,
  notReady: NotReadyError,
  rateLimited: RateLimitedError,
  quotaExceeded: QuotaExceededError,
  invalid: InvalidError,
  permissionDenied: PermissionDeniedError,
  unauthenticated: UnauthenticatedError,
  transient: TransientError,
} as const;

/** The kind for a status, a reason and a message; the one rule shared by both failure channels. */
export function kindOf(
  status: number | undefined,
  reason: string | undefined,
  message: string,
): ResponseKind {
  const byReason = reason === undefined ? undefined : KIND_BY_REASON[reason];
  if (byReason !== undefined) return byReason;
  if (status === undefined) return 'invalid';
  if (status >= 500 || status === 408) return 'transient';
  switch (status) {
    case 404:
      return 'notFound';
    case 409:
      return 'alreadyExists';
    case 412:
      return 'preconditionFailed';
    case 429:
      return 'rateLimited';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permissionDenied';
  }
  // ingress-gce's in-use test: some front ends omit the reason but keep this wording.
  if (status === 400 && message.includes('being used by')) return 'inUse';
  return 'invalid';
}

/** Builds the error object of a kind; `timeout` has its own constructor site (operations). */
export function errorOf(kind: ResponseKind, message: string, details: GceErrorDetails): GceError {
  return new CLASS_BY_KIND[kind](message, details);
}

/**
 * Classifies whatever a Compute API call rejected with. A GaxiosError with a response is
 * classified by status and reason; one without a response (reset, refused, timed out) is a lost
 * response, i.e. transient. Anything else (a bug, a missing parameter) is `invalid`, so it is
 * reported and never retried. The raw GaxiosError is not kept as `cause`: its request config
 * carries the Authorization header, and errors end up in logs and Events.
 */
export function classifyHttpError(err: unknown, method: string): GceError {
  if (err instanceof GceError) return err;
  const e = asRecord(err);
  const response = asRecord(e?.response);
  const status = typeof response?.status === 'number' ? response.status : undefined;
  const isGaxios = e !== undefined && (e.name === 'GaxiosError' || 'config' in e);
  const message = err instanceof Error ? err.message : String(err);
  if (status === undefined) {
    if (!isGaxios) return new InvalidError(`${method}: ${message}`, { method, cause: err });
    const code = typeof e?.code === 'string' ? e.code : undefined;
    return new TransientError(`${method}: no response (${code ?? 'network error'}): ${message}`, {
      method,
      reason: code,
      cause: sanitizedCause(message, code),
    });
  }
  const body = asRecord(asRecord(response?.data)?.error);
  const errors = itemsOf(body?.errors);
  const reason = errors[0]?.reason;
  const text = (typeof body?.message === 'string' ? body.message : undefined) ?? message;
  const kind = kindOf(status, reason, text);
  return errorOf(kind, `${method}: ${status}${reason === undefined ? '' : ` ${reason}`}: ${text}`, {
    method,
    status,
    reason,
    errors,
    cause: sanitizedCause(message, status),
  });
}

/**
 * Classifies the error of a finished operation the way k8s-cloud-provider does: the first
 * `error.errors[]` entry and `httpErrorStatusCode`, so a 404/409/403 reported asynchronously is
 * the same kind as the synchronous one. Returns undefined when the operation has no error.
 */
export function classifyOperationError(op: OperationLike, method: string): GceError | undefined {
  const errors = itemsOf(op.error?.errors);
  if (errors.length === 0) return undefined;
  const first = errors[0];
  const code = first?.reason;
  const reason = code === undefined ? undefined : lowerCamel(code);
  const status = typeof op.httpErrorStatusCode === 'number' ? op.httpErrorStatusCode : undefined;
  const text = `${code ?? 'UNKNOWN'} - ${first?.message ?? ''}`;
  const kind = kindOf(status, reason, text);
  const name = op.name ?? 'unnamed';
  return errorOf(kind, `${method}: operation ${name} failed: ${text}`, {
    method,
    status,
    reason,
    errors,
    operation: name,
  });
}

/** The operation fields classification reads; the library's `Schema$Operation` fits. */
export interface OperationLike {
  readonly name?: string | null;
  readonly httpErrorStatusCode?: number | null;
  readonly error?: { readonly errors?: readonly unknown[] | null } | null;
}

function itemsOf(value: unknown): GceErrorItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const r = asRecord(raw) ?? {};
    const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
    // Operation errors carry `code` where HTTP errors carry `reason`.
    return { reason: str('reason') ?? str('code'), message: str('message'), domain: str('domain') };
  });
}

/** RESOURCE_IN_USE_BY_ANOTHER_RESOURCE -> resourceInUseByAnotherResource; lowerCamel stays. */
function lowerCamel(code: string): string {
  if (!/^[A-Z0-9_]+$/.test(code)) return code;
  return code.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function sanitizedCause(message: string, code: string | number | undefined): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
