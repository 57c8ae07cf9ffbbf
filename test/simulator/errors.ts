/**
 * The simulator's errors. Every failure it reports is one of these, with the underlying error as
 * `cause`, so a test that fails because the simulator could not do its job says which job.
 */

/** A failure of the member-cluster simulator itself (bad options, a cluster it cannot reach...). */
export class SimulatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorError';
  }
}

/** Options that cannot describe a member cluster (an unknown zone, overlapping CIDRs...). */
export class SimulatorConfigError extends SimulatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorConfigError';
  }
}

/**
 * A Compute Engine call that failed, synchronously (HTTP 4xx/5xx) or through its operation.
 * `status` is the HTTP status (for an operation, its `httpErrorStatusCode`) and `reason` the
 * API's reason string (`notFound`, `resourceInUseByAnotherResource`...) or the operation's code.
 */
export class ComputeCallError extends SimulatorError {
  readonly method: string;
  readonly status: number;
  readonly reason: string;

  constructor(
    method: string,
    status: number,
    reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${status} ${reason}: ${message}`, options);
    this.name = 'ComputeCallError';
    this.method = method;
    this.status = status;
    this.reason = reason;
  }

  /** True for 404: the resource (or one it names) does not exist. */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** True when the resource is still referenced by another one (a NEG used by a backend service). */
  get inUse(): boolean {
    return this.reason === 'resourceInUseByAnotherResource' || /RESOURCE_IN_USE/i.test(this.reason);
  }
}

/** A Kubernetes API call that failed; `status` is the HTTP status when the server answered. */
export class KubeCallError extends SimulatorError {
  readonly status: number | undefined;

  constructor(what: string, status: number | undefined, options?: { cause?: unknown }) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${what} failed${status === undefined ? '' : ` (HTTP ${status})`}${detail}`, options);
    this.name = 'KubeCallError';
    this.status = status;
  }
}

/**
 * Work that cannot be done yet for an expected reason (a NEG or instance group still used by a
 * backend service): retried with backoff, never reported as a failure, as GKE's controllers
 * treat "in use" on delete.
 */
export class RetryLater extends SimulatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryLater';
  }
}

/** One error for the failures of one reconcile; a RetryLater only when every failure is one. */
export function combineFailures(what: string, failures: readonly unknown[]): SimulatorError {
  const message = `${what}: ${failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ')}`;
  return failures.every((f) => f instanceof RetryLater)
    ? new RetryLater(message, { cause: failures[0] })
    : new SimulatorError(message, { cause: failures[0] });
}
