import type { MethodGroup, RequestBudget } from './budget.ts';
import { classifyHttpError } from './classify.ts';
import type { Clock } from './clock.ts';
import type { GceError, GceErrorKind } from './errors.ts';
import { backoffDelay } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';

/** One HTTP attempt against the Compute API, as reported to the call log hook. */
export interface CallRecord {
  /** e.g. `compute.backendServices.insert`, `compute.globalOperations.wait`. */
  readonly method: string;
  readonly group: MethodGroup;
  /** The HTTP status; undefined when no response arrived (network error, timeout). */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** 1 for the first attempt of a call, 2 for its first retry, ... */
  readonly attempt: number;
  /** The classified failure, when the attempt failed. */
  readonly errorKind?: GceErrorKind;
}

/** Receives every attempt (for metrics and call-budget tests). Must not throw; if it does, the throw is ignored. */
export type CallLogHook = (record: CallRecord) => void;

/** What every call needs: time, the shared budget, the retry policy and the log hook. */
export interface CallContext {
  readonly clock: Clock;
  readonly budget: RequestBudget;
  readonly retry: RetryPolicy;
  /** Returns [0, 1); drives jitter. */
  readonly random: () => number;
  /** The Authorization header (or none) for the next request; rejects with UnauthenticatedError. */
  readonly authHeaders: () => Promise<Readonly<Record<string, string>>>;
  readonly onCall?: CallLogHook;
}

/** The part of a library response the call layer reads. */
export interface LibraryResponse<T> {
  readonly data: T;
  readonly status: number;
}

/**
 * Sends one attempt: gets the credentials, waits for the budget, sends, reports the attempt to
 * the log hook, and rejects with a classified GceError. Never retries.
 */
export async function sendOnce<T>(
  ctx: CallContext,
  method: string,
  group: MethodGroup,
  attempt: number,
  send: (headers: Readonly<Record<string, string>>) => Promise<LibraryResponse<T>>,
): Promise<T> {
  // Before the budget: a credentials failure sends nothing, so it spends nothing.
  const headers = await ctx.authHeaders();
  await ctx.budget.acquire(group);
  const started = ctx.clock.now();
  try {
    const res = await send(headers);
    report(ctx, { method, group, status: res.status, durationMs: ctx.clock.now() - started, attempt });
    return res.data;
  } catch (err) {
    const e = classifyHttpError(err, method);
    report(ctx, {
      method,
      group,
      status: e.status,
      durationMs: ctx.clock.now() - started,
      attempt,
      errorKind: e.kind,
    });
    throw e;
  }
}

/**
 * Runs `attempt(n)` until it succeeds, fails with a non-retryable error, or the policy's attempts
 * are used up; waits a jittered exponential back-off between attempts. Rejects with the last
 * GceError (non-GceErrors are classified as `invalid` and not retried).
 */
export async function withRetries<T>(
  ctx: CallContext,
  method: string,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const e = classifyHttpError(err, method);
      if (!e.retryable || n >= ctx.retry.maxAttempts) throw e;
      await ctx.clock.sleep(retryDelay(ctx, n, e));
    }
  }
}

/** The back-off before the attempt after `n` failed with `e`. */
export function retryDelay(ctx: CallContext, n: number, e: GceError): number {
  return backoffDelay(ctx.retry, n, ctx.random, e.kind === 'rateLimited');
}

function report(ctx: CallContext, record: CallRecord): void {
  try {
    ctx.onCall?.(record);
  } catch {
    // A broken metrics hook must not fail a GCE call.
  }
}
