import type { compute_v1 } from '@googleapis/compute';
import { sendOnce, withRetries } from './call-layer.ts';
import type { CallContext, LibraryResponse } from './call-layer.ts';
import { classifyOperationError } from './classify.ts';
import { OperationTimeoutError } from './errors.ts';

/** A Compute operation as the library returns it. */
export type Operation = compute_v1.Schema$Operation;

/** How to learn that an operation is DONE. */
export interface OperationWaitOptions {
  /** `wait` blocks server-side (up to ~2 min per call); `get` polls. */
  readonly mode: 'wait' | 'get';
  /** Give up after this long; the operation may still finish later. */
  readonly timeoutMs: number;
  /** Minimum time between two polls, so a `wait` that returns early does not spin. */
  readonly pollIntervalMs: number;
}

/** Sends one operations request (wait or get) for a global or zonal operation. */
export type OperationCall = (
  verb: 'wait' | 'get',
  scope: { readonly zone?: string },
  name: string,
  timeoutMs: number,
  headers: Readonly<Record<string, string>>,
) => Promise<LibraryResponse<Operation>>;

/** Longest single `wait` request: the server returns after about two minutes anyway. */
const MAX_WAIT_REQUEST_MS = 150_000;

/**
 * Resolves with the operation once it is DONE without error. Rejects with the classified
 * operation error (same kinds as the synchronous HTTP errors), with OperationTimeoutError when
 * the deadline passes first, or with the error of a poll that failed past its retries. Every
 * poll passes the budget (as a read) and the call log; zonal operations are polled through
 * zoneOperations.
 */
export async function waitForOperation(
  ctx: CallContext,
  call: OperationCall,
  initial: Operation,
  method: string,
  options: OperationWaitOptions,
): Promise<Operation> {
  const deadline = ctx.clock.now() + options.timeoutMs;
  const name = initial.name ?? '';
  const scope = initial.zone ? { zone: lastSegment(initial.zone) } : {};
  const collection = scope.zone === undefined ? 'globalOperations' : 'zoneOperations';
  const pollMethod = `compute.${collection}.${options.mode}`;
  let op = initial;
  while (op.status !== 'DONE') {
    const remaining = deadline - ctx.clock.now();
    if (remaining <= 0 || name === '') {
      throw new OperationTimeoutError(
        `${method}: operation ${name || '(unnamed)'} not DONE after ${options.timeoutMs} ms (status ${op.status ?? 'unknown'})`,
        { method, operation: name },
      );
    }
    const started = ctx.clock.now();
    op = await withRetries(ctx, pollMethod, (n) =>
      sendOnce(ctx, pollMethod, 'read', n, (headers) =>
        call(options.mode, scope, name, Math.min(remaining, MAX_WAIT_REQUEST_MS), headers),
      ),
    );
    if (op.status !== 'DONE') {
      const pause = options.pollIntervalMs - (ctx.clock.now() - started);
      if (pause > 0) await ctx.clock.sleep(Math.min(pause, Math.max(0, deadline - ctx.clock.now())));
    }
  }
  const error = classifyOperationError(op, method);
  if (error) throw error;
  return op;
}

function lastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
