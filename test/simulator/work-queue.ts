/**
 * A keyed work queue with client-go's promises, small enough to read in one go: a key is queued
 * at most once, never handled twice at the same time, handled once more if it was added while
 * running, and retried with per-key exponential backoff when its handler throws. `stop()` clears
 * every timer and waits for the handlers in flight, so nothing outlives it.
 */

/** Options for {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Reconciles one key; throwing schedules a retry. */
  readonly handler: (key: string) => Promise<void>;
  /** How many keys run at once. */
  readonly concurrency?: number;
  /** First and largest retry delay; doubled per consecutive failure of a key. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Told about every failed run (the key is retried regardless). */
  readonly onError?: (key: string, err: unknown) => void;
}

/** The queue. */
export class WorkQueue {
  readonly #opts: WorkQueueOptions;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #inFlight = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(opts: WorkQueueOptions) {
    this.#opts = opts;
  }

  /** Queues `key` (a no-op if it is already queued, or after stop). */
  add(key: string): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    const timer = this.#retryTimers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.#retryTimers.delete(key);
    }
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /**
   * Resolves once nothing is queued or running. Keys waiting for a retry do not count: a caller
   * that needs success checks the state it wanted.
   */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops queued keys and pending retries and waits for running handlers to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#retryTimers.values()) clearTimeout(t);
    this.#retryTimers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    this.#dirty.clear();
    await Promise.all([...this.#inFlight]);
    this.#notifyIdle();
  }

  #pump(): void {
    const limit = this.#opts.concurrency ?? 1;
    while (!this.#stopped && this.#running.size < limit && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      const run = this.#runOne(key);
      this.#inFlight.add(run);
      void run.finally(() => this.#inFlight.delete(run));
    }
    this.#notifyIdle();
  }

  async #runOne(key: string): Promise<void> {
    let failed = false;
    try {
      await this.#opts.handler(key);
      this.#failures.delete(key);
    } catch (err) {
      failed = true;
      if (!this.#stopped) this.#opts.onError?.(key, err);
    }
    this.#running.delete(key);
    if (this.#stopped) return;
    if (this.#dirty.delete(key)) {
      this.add(key);
    } else if (failed) {
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      const backoff = this.#opts.backoff ?? { initialMs: 200, maxMs: 10_000 };
      const delay = Math.min(backoff.initialMs * 2 ** (n - 1), backoff.maxMs);
      this.#retryTimers.set(
        key,
        setTimeout(() => {
          this.#retryTimers.delete(key);
          this.add(key);
        }, delay),
      );
    }
    this.#pump();
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#running.size === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle() && !this.#stopped) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
