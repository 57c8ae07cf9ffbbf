/**
 * Compute Engine's error vocabulary: one Error subclass that knows its HTTP status, its `reason`
 * and how to render itself either as a synchronous error body or as the `error` of a finished
 * operation, plus one factory per failure the emulator reproduces, with Google's wording.
 */

/** The JSON body of a synchronous error response, as Google sends it. */
export interface ErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
    status: string;
  };
}

/** The `error` of an operation that finished badly, and its two HTTP echo fields. */
export interface OperationFailure {
  error: { errors: { code: string; message: string }[] };
  httpErrorStatusCode: number;
  httpErrorMessage: string;
}

const STATUS_BY_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const OP_CODE_BY_REASON: Record<string, string> = {
  notFound: 'RESOURCE_NOT_FOUND',
  alreadyExists: 'RESOURCE_ALREADY_EXISTS',
  quotaExceeded: 'QUOTA_EXCEEDED',
  resourceInUseByAnotherResource: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE',
  resourceNotReady: 'RESOURCE_NOT_READY',
  conditionNotMet: 'CONDITION_NOT_MET',
  invalid: 'INVALID_FIELD_VALUE',
  backendError: 'INTERNAL_ERROR',
  internalError: 'INTERNAL_ERROR',
  instanceInMultipleLoadBalancedIgs: 'INSTANCE_IN_MULTIPLE_LOAD_BALANCED_IGS',
  memberAlreadyExists: 'MEMBER_ALREADY_EXISTS',
};

/** Details of a {@link ComputeError}. */
export interface ComputeErrorInit {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly domain?: string;
  readonly location?: string;
  readonly locationType?: string;
  readonly cause?: unknown;
}

/** A Compute Engine API error: the emulator throws it and the HTTP layer renders it. */
export class ComputeError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly domain: string;
  readonly location: string | undefined;
  readonly locationType: string | undefined;

  constructor(init: ComputeErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ComputeError';
    this.code = init.code;
    this.reason = init.reason;
    this.domain = init.domain ?? 'global';
    this.location = init.location;
    this.locationType = init.locationType;
  }

  /** The body of a synchronous error response; HTTP status = `error.code`. */
  toBody(): ErrorBody {
    const item: ErrorBody['error']['errors'][number] = {
      message: this.message,
      domain: this.domain,
      reason: this.reason,
    };
    if (this.location) item.location = this.location;
    if (this.locationType) item.locationType = this.locationType;
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [item],
        status: STATUS_BY_CODE[this.code] ?? 'UNKNOWN',
      },
    };
  }

  /** The same failure delivered inside a finished operation (UPPER_SNAKE code, HTTP echo fields). */
  toOperationFailure(): OperationFailure {
    return {
      error: {
        errors: [
          { code: OP_CODE_BY_REASON[this.reason] ?? this.reason.toUpperCase(), message: this.message },
        ],
      },
      httpErrorStatusCode: this.code,
      httpErrorMessage: httpErrorMessage(this.code),
    };
  }
}

/** The upper-case phrase GCE puts in `httpErrorMessage` (e.g. `NOT FOUND`). */
export function httpErrorMessage(code: number): string {
  const phrases: Record<number, string> = {
    400: 'BAD REQUEST',
    403: 'FORBIDDEN',
    404: 'NOT FOUND',
    409: 'CONFLICT',
    412: 'PRECONDITION FAILED',
    429: 'TOO MANY REQUESTS',
    500: 'INTERNAL SERVER ERROR',
    503: 'SERVICE UNAVAILABLE',
  };
  return phrases[code] ?? 'ERROR';
}

/** 404 `notFound` for a resource path such as `projects/p/global/urlMaps/u`. */
export function notFound(path: string): ComputeError {
  return new ComputeError({ code: 404, reason: 'notFound', message: `The resource '${path}' was not found` });
}

/** 409 `alreadyExists` for an insert whose name is taken. */
export function alreadyExists(path: string): ComputeError {
  return new ComputeError({
    code: 409,
    reason: 'alreadyExists',
    message: `The resource '${path}' already exists`,
  });
}

/** 400 `invalid`: `Invalid value for field '<field>': '<value>'. <why>` */
export function invalidField(field: string, value: unknown, why: string): ComputeError {
  const shown = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return new ComputeError({
    code: 400,
    reason: 'invalid',
    message: `Invalid value for field '${field}': '${shown}'. ${why}`.trimEnd(),
  });
}

/** 400 `invalid` with a free-form message. */
export function invalid(message: string): ComputeError {
  return new ComputeError({ code: 400, reason: 'invalid', message });
}

/** 400 `required`: `Required field '<field>' not specified`. */
export function required(field: string): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'required',
    message: `Required field '${field}' not specified`,
  });
}

/** 412 `conditionNotMet` for a stale resource fingerprint. */
export function staleFingerprint(): ComputeError {
  return new ComputeError({ code: 412, reason: 'conditionNotMet', message: 'Invalid fingerprint.' });
}

/** 412 `conditionNotMet` for a stale label fingerprint (reported against the If-Match header). */
export function staleLabelFingerprint(): ComputeError {
  return new ComputeError({
    code: 412,
    reason: 'conditionNotMet',
    message: 'Labels fingerprint either invalid or resource labels have changed',
    location: 'If-Match',
    locationType: 'header',
  });
}

/** 400 `resourceInUseByAnotherResource`, e.g. deleting a health check a backend service uses. */
export function inUse(snakeType: string, path: string, userPath: string): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'resourceInUseByAnotherResource',
    message: `The ${snakeType} resource '${path}' is already being used by '${userPath}'`,
  });
}

/** 400 `resourceNotReady`: the resource has an operation in flight (or is not created yet). */
export function notReady(path: string): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'resourceNotReady',
    message: `The resource '${path}' is not ready`,
  });
}

/** 403 `quotaExceeded` for a resource-count quota. */
export function quotaExceeded(metric: string, limit: number): ComputeError {
  return new ComputeError({
    code: 403,
    reason: 'quotaExceeded',
    message: `Quota '${metric}' exceeded.  Limit: ${limit.toFixed(1)} globally.`,
  });
}

/** `rateLimitExceeded` (domain usageLimits) for a per-minute API rate quota. */
export function rateLimitExceeded(group: string, projectNumber: string, code: 403 | 429): ComputeError {
  return new ComputeError({
    code,
    reason: 'rateLimitExceeded',
    domain: 'usageLimits',
    message:
      `Quota exceeded for quota metric '${group}' and limit '${group} per minute' of service ` +
      `'compute.googleapis.com' for consumer 'project_number:${projectNumber}'.`,
  });
}
