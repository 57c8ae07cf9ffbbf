import type { Observable } from 'rxjs';

/**
 * What one reconcile of a key reports, after controller-runtime's `Result` and `TerminalError`:
 * - `ok`: the key is in step; its backoff is reset and nothing is scheduled.
 * - `requeue` with `after` (ms, a finite number; negative counts as 0): run the key again after that
 *   delay, with its backoff reset (the key is healthy but wants another look, e.g. at a GCE
 *   operation in progress).
 * - `requeue` without `after`: run the key again after its next backoff delay; this counts as a
 *   failure for the backoff (polling with growing patience), though it is not an error.
 * - `error`, `terminal: false`: retried after the key's next backoff delay.
 * - `error`, `terminal: true`: not retried (an invalid spec cannot be fixed by retrying); the backoff
 *   is reset and the key runs again only on a new trigger.
 */
export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'requeue'; readonly after?: number }
  | { readonly kind: 'error'; readonly error: Error; readonly terminal: boolean };

/**
 * The reconcile the work queue runs for one key. It reads the current state for the key and does
 * everything needed (level-based), and reports with its first emitted Outcome: the run ends there
 * and the queue unsubscribes. An Observable that errors (or a function that throws) counts as a
 * retryable failure; one that completes without an Outcome counts as a retryable failure with a
 * {@link ReconcileError}. Promise-based reconciles are adapted with `defer` at the composition root.
 */
export type ReconcileFn = (key: string) => Observable<Outcome>;

/** One finished run of a key, for metrics, logs and Events. Times are the scheduler's `now()`. */
export interface ReconcileResult {
  readonly key: string;
  readonly outcome: Outcome;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** Consecutive failures of the key after this outcome (0 after `ok`, a terminal error, or forget). */
  readonly failures: number;
  /**
   * Milliseconds until the queue runs the key again because of this outcome (a backoff retry or a
   * requested requeue). Absent when it will not, or when a trigger that arrived during the run makes
   * it run again at once.
   */
  readonly retryIn?: number;
}

/** The queue's load, reported whenever it changes. */
export interface QueueDepth {
  /** Keys owed a run that has not started: ready to run, or waiting for their own run to end. */
  readonly pending: number;
  /** Keys whose reconcile is in flight. */
  readonly running: number;
  /** Keys waiting for a backoff delay or a requested requeue. */
  readonly delayed: number;
}
