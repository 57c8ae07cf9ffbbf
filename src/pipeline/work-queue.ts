import { asyncScheduler, Observable, Subscription } from 'rxjs';
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { backoffDelay, checkBackoffPolicy } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { ReconcileError } from './errors.ts';
import type { Outcome, QueueDepth, ReconcileFn, ReconcileResult } from './outcome.ts';

/** How the work queue runs keys. */
export interface WorkQueueOptions {
  /** At most this many reconciles in flight at once, over all keys (an integer ≥ 1, or Infinity). */
  readonly concurrency: number;
  /** Per-key backoff after failures and bare requeues. */
  readonly backoff: BackoffPolicy;
  /** Where delays are scheduled; `asyncScheduler` when absent. Tests pass virtual time. */
  readonly scheduler?: SchedulerLike;
  /**
   * Keys that no longer exist (their Ingress was deleted). For each, the queue drops everything it
   * owes the key that has not started (a pending run, a trailing run, a scheduled retry or requeue)
   * and its failure count. A run in flight is not cancelled, but its outcome schedules nothing.
   * A trigger after the forget is a new trigger. An error here errors the output.
   */
  readonly forget$?: Observable<string>;
  /** Called with the queue's load each time it changes (for a gauge); must not throw. */
  readonly onDepth?: (depth: QueueDepth) => void;
}

type Phase = 'ready' | 'running' | 'delayed';

interface KeyState {
  phase: Phase;
  failures: number;
  /** A trigger arrived while the key was running: one trailing run is owed. */
  dirty: boolean;
  /** The key was forgotten while running: the run's outcome schedules nothing. */
  forgotten: boolean;
  timer: Subscription | undefined;
  run: Subscription | undefined;
}

/**
 * Runs `reconcile` for the keys of the source with client-go workqueue semantics, and emits one
 * {@link ReconcileResult} per finished run:
 * - one pending entry per key: triggers on a key that has not started yet collapse into one run;
 * - never the same key twice at once: triggers during a run collapse into exactly one trailing run,
 *   started when the run ends;
 * - at most `concurrency` runs in flight; keys start in the order they became ready;
 * - a failure (an `error` outcome that is not terminal, an error or throw of the reconcile, a
 *   completion without an outcome) retries the key after its backoff delay, which grows with
 *   consecutive failures up to the cap; `ok`, a terminal error and a timed requeue reset it;
 * - a trigger on a key waiting for a retry or requeue runs it at once (the trigger may carry the
 *   fix), keeping its failure count, so a key that keeps failing still backs off;
 * - one key failing forever never stops the others, and nothing a reconcile does errors the output.
 *
 * When the source completes, runs already owed (pending and trailing) still happen, scheduled
 * retries and requeues are dropped, and the output completes once the last run ends. An error of
 * the source or of `forget$` errors the output at once. On unsubscribe, every run in flight is
 * unsubscribed and every timer cancelled.
 *
 * Throws RangeError at once for a bad `concurrency` or backoff policy.
 */
export function workQueue(
  reconcile: ReconcileFn,
  options: WorkQueueOptions,
): OperatorFunction<string, ReconcileResult> {
  const { concurrency, backoff } = options;
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new RangeError(`work queue concurrency must be an integer ≥ 1, got ${concurrency}`);
  }
  checkBackoffPolicy(backoff);
  const scheduler = options.scheduler ?? asyncScheduler;

  return (keys$) =>
    new Observable<ReconcileResult>((subscriber) => {
      const states = new Map<string, KeyState>();
      // A Set iterates in insertion order, so it is a FIFO that also dedups and removes in O(1).
      const ready = new Set<string>();
      let runningCount = 0;
      let trailingCount = 0;
      let delayedCount = 0;
      let sourceDone = false;
      let closed = false;
      let pumping = false;
      let lastDepth: QueueDepth | undefined;
      const inputs = new Subscription();

      function reportDepth(): void {
        if (closed || options.onDepth === undefined) return;
        const depth: QueueDepth = {
          pending: ready.size + trailingCount,
          running: runningCount,
          delayed: delayedCount,
        };
        if (
          lastDepth !== undefined &&
          lastDepth.pending === depth.pending &&
          lastDepth.running === depth.running &&
          lastDepth.delayed === depth.delayed
        ) {
          return;
        }
        lastDepth = depth;
        options.onDepth(depth);
      }

      function makeReady(key: string, state: KeyState): void {
        state.phase = 'ready';
        ready.add(key);
      }

      function cancelTimer(state: KeyState): void {
        state.timer?.unsubscribe();
        state.timer = undefined;
        delayedCount--;
      }

      function trigger(key: string): void {
        const state = states.get(key);
        if (state === undefined) {
          const fresh: KeyState = {
            phase: 'ready',
            failures: 0,
            dirty: false,
            forgotten: false,
            timer: undefined,
            run: undefined,
          };
          states.set(key, fresh);
          makeReady(key, fresh);
        } else if (state.phase === 'running') {
          if (!state.dirty) trailingCount++;
          state.dirty = true;
        } else if (state.phase === 'delayed') {
          // The trigger may carry the fix (a Secret created, a Service deployed), so waiting out the
          // backoff would only delay the user; the failure count stays, so repeated failures still
          // back off and the concurrency bound still caps the load.
          cancelTimer(state);
          makeReady(key, state);
        }
        // phase 'ready': already owed a run; the burst collapses into it.
        pump();
      }

      function forget(key: string): void {
        const state = states.get(key);
        if (state === undefined) return;
        if (state.phase === 'running') {
          // The run is not cancelled: abandoning GCE calls half way is worse than letting them end.
          if (state.dirty) trailingCount--;
          state.dirty = false;
          state.forgotten = true;
          state.failures = 0;
        } else {
          if (state.phase === 'delayed') cancelTimer(state);
          ready.delete(key);
          states.delete(key);
        }
        maybeComplete();
        reportDepth();
      }

      function pump(): void {
        // A reconcile that reports synchronously re-enters here from start(); the outer loop
        // picks up where it is, so the stack stays flat however many keys are ready.
        if (pumping) return;
        pumping = true;
        try {
          while (!closed && runningCount < concurrency && ready.size > 0) {
            const key = ready.values().next().value as string;
            ready.delete(key);
            const state = states.get(key);
            if (state !== undefined) start(key, state);
          }
        } finally {
          pumping = false;
        }
        maybeComplete();
        reportDepth();
      }

      function start(key: string, state: KeyState): void {
        state.phase = 'running';
        state.forgotten = false;
        runningCount++;
        const startedAt = scheduler.now();
        let settled = false;
        const settle = (outcome: Outcome): void => {
          if (settled || closed) return;
          settled = true;
          state.run?.unsubscribe();
          state.run = undefined;
          finish(key, state, outcome, startedAt);
        };
        let source: Observable<Outcome>;
        try {
          source = reconcile(key);
        } catch (thrown) {
          settle(failure(key, thrown));
          return;
        }
        const run = source.subscribe({
          // The first Outcome ends the run; anything the reconcile would emit later is not wanted.
          next: (outcome) => settle(outcome),
          error: (thrown: unknown) => settle(failure(key, thrown)),
          complete: () => settle(failure(key, new ReconcileError(key, 'completed without an outcome'))),
        });
        if (settled || closed) run.unsubscribe();
        else state.run = run;
      }

      function finish(key: string, state: KeyState, outcome: Outcome, startedAt: number): void {
        runningCount--;
        let retryIn: number | undefined;
        if (outcome.kind === 'ok' || (outcome.kind === 'error' && outcome.terminal)) {
          state.failures = 0;
        } else if (
          outcome.kind === 'requeue' &&
          outcome.after !== undefined &&
          !Number.isNaN(outcome.after)
        ) {
          state.failures = 0;
          retryIn = Math.max(0, outcome.after);
        } else {
          state.failures++;
          retryIn = backoffDelay(backoff, state.failures);
        }
        if (state.forgotten) {
          state.failures = 0;
          retryIn = undefined;
        }
        // After the source ends nothing new can arrive, so only owed runs finish; retries would
        // keep a finite stream alive forever for a key that never recovers.
        if (sourceDone) retryIn = undefined;

        if (state.dirty) {
          state.dirty = false;
          trailingCount--;
          retryIn = undefined;
          makeReady(key, state);
        } else if (retryIn !== undefined) {
          state.phase = 'delayed';
          delayedCount++;
          state.timer = scheduler.schedule(() => {
            state.timer = undefined;
            delayedCount--;
            makeReady(key, state);
            pump();
          }, retryIn);
        } else {
          states.delete(key);
        }

        const result: ReconcileResult =
          retryIn === undefined
            ? { key, outcome, startedAt, finishedAt: scheduler.now(), failures: state.failures }
            : { key, outcome, startedAt, finishedAt: scheduler.now(), failures: state.failures, retryIn };
        subscriber.next(result);
        pump();
      }

      function maybeComplete(): void {
        if (sourceDone && !closed && runningCount === 0 && ready.size === 0) subscriber.complete();
      }

      function onSourceComplete(): void {
        sourceDone = true;
        for (const [key, state] of states) {
          if (state.phase === 'delayed') {
            cancelTimer(state);
            states.delete(key);
          }
        }
        maybeComplete();
        reportDepth();
      }

      if (options.forget$ !== undefined) {
        inputs.add(
          options.forget$.subscribe({
            next: forget,
            error: (err: unknown) => subscriber.error(err),
          }),
        );
      }
      inputs.add(
        keys$.subscribe({
          next: trigger,
          error: (err: unknown) => subscriber.error(err),
          complete: onSourceComplete,
        }),
      );

      return () => {
        closed = true;
        inputs.unsubscribe();
        for (const state of states.values()) {
          state.run?.unsubscribe();
          state.timer?.unsubscribe();
        }
        states.clear();
        ready.clear();
      };
    });
}

function failure(key: string, thrown: unknown): Outcome {
  const error =
    thrown instanceof Error ? thrown : new ReconcileError(key, 'threw a non-Error value', { cause: thrown });
  return { kind: 'error', error, terminal: false };
}
