/**
 * The classified errors of the GCE call layer. Every failure of a Compute API call (an HTTP error,
 * a network error, or an error inside a finished operation) becomes exactly one of these, once, in
 * `classify.ts`; callers branch on `kind` (or `instanceof`) and never look at HTTP details.
 */

/** The classes of failure the controller treats differently. */
export type GceErrorKind =
  | 'notFound'
  | 'alreadyExists'
  | 'preconditionFailed'
  | 'inUse'
  | 'notReady'
  | 'rateLimited'
  | 'quotaExceeded'
  | 'invalid'
  | 'permissionDenied'
  | 'unauthenticated'
  | 'transient'
  | 'timeout';

/** Kinds our retry layer retries (with back-off) within one call. */
export const RETRYABLE_KINDS: ReadonlySet<GceErrorKind> = new Set(['transient', 'rateLimited', 'notReady']);

/** One entry of the API's `error.errors[]` (HTTP) or an operation's `error.errors[]`. */
export interface GceErrorItem {
  readonly reason?: string;
  readonly message?: string;
  readonly domain?: string;
}

/** What the classifier knows about a failed call. */
export interface GceErrorDetails {
  /** The Compute method, e.g. `compute.backendServices.insert`. */
  readonly method: string;
  /** The HTTP status (or the operation's `httpErrorStatusCode`); undefined when no response came. */
  readonly status?: number;
  /** The API's reason (`notFound`, `resourceInUseByAnotherResource`, ...) or operation error code. */
  readonly reason?: string;
  /** The API's error items, copied without request data (no headers, so no credentials). */
  readonly errors?: readonly GceErrorItem[];
  /** The operation's name when the failure was reported inside a finished operation. */
  readonly operation?: string;
  readonly cause?: unknown;
}

/**
 * Base of every classified Compute API failure. `retryable` tells whether our retry layer would
 * retry it; a caller that sees one after the call returned has already had the retries.
 */
export abstract class GceError extends Error {
  abstract readonly kind: GceErrorKind;
  readonly method: string;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly errors: readonly GceErrorItem[];
  readonly operation: string | undefined;

  constructor(message: string, details: GceErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.method = details.method;
    this.status = details.status;
    this.reason = details.reason;
    this.errors = details.errors ?? [];
    this.operation = details.operation;
  }

  /** True for transient, rate-limited and not-ready failures. */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }

  /** True when the failure came from a finished operation rather than the HTTP response. */
  get fromOperation(): boolean {
    return this.operation !== undefined;
  }
}

/** 404: the resource, or a resource the request references, does not exist. */
export class NotFoundError extends GceError {
  readonly kind = 'notFound' as const;
  override readonly name = 'NotFoundError';
}

/** 409: an insert named a resource that already exists. */
export class AlreadyExistsError extends GceError {
  readonly kind = 'alreadyExists' as const;
  override readonly name = 'AlreadyExistsError';
}

/** 412: the fingerprint we sent is stale; re-observe and re-plan. */
export class PreconditionFailedError extends GceError {
  readonly kind = 'preconditionFailed' as const;
  override readonly name = 'PreconditionFailedError';
}

/** 400 resourceInUseByAnotherResource: a delete of a resource something still references. */
export class InUseError extends GceError {
  readonly kind = 'inUse' as const;
  override readonly name = 'InUseError';
}

/** 400 resourceNotReady: another operation on the same resource is still running. */
export class NotReadyError extends GceError {
  readonly kind = 'notReady' as const;
  override readonly name = 'NotReadyError';
}

/** 403 rateLimitExceeded or 429: the per-minute API rate quota is exhausted. */
export class RateLimitedError extends GceError {
  readonly kind = 'rateLimited' as const;
  override readonly name = 'RateLimitedError';
}

/** 403 quotaExceeded / QUOTA_EXCEEDED: a resource-count quota is exhausted; needs a person. */
export class QuotaExceededError extends GceError {
  readonly kind = 'quotaExceeded' as const;
  override readonly name = 'QuotaExceededError';
}

/** 400 invalid and other client errors: the request itself is wrong; terminal, never retried. */
export class InvalidError extends GceError {
  readonly kind = 'invalid' as const;
  override readonly name = 'InvalidError';
}

/** 403 other than rate limits: IAM, a disabled API, a Shared-VPC restriction. */
export class PermissionDeniedError extends GceError {
  readonly kind = 'permissionDenied' as const;
  override readonly name = 'PermissionDeniedError';
}

/** 401, or no credentials could be obtained at all. */
export class UnauthenticatedError extends GceError {
  readonly kind = 'unauthenticated' as const;
  override readonly name = 'UnauthenticatedError';
}

/** 5xx, 408, network errors and lost responses: the outcome of the request is unknown. */
export class TransientError extends GceError {
  readonly kind = 'transient' as const;
  override readonly name = 'TransientError';
}

/** An operation was not DONE by its deadline; it may still finish later. */
export class OperationTimeoutError extends GceError {
  readonly kind = 'timeout' as const;
  override readonly name = 'OperationTimeoutError';
}
