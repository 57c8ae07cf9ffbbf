/**
 * Time as the GCE call layer sees it. Injected everywhere a delay or a deadline is involved, so
 * that tests run retries, budgets and operation deadlines in virtual time and never sleep.
 */
export interface Clock {
  /** Milliseconds since an arbitrary, fixed origin; never decreases. */
  now(): number;
  /** Resolves after `ms` milliseconds (immediately for `ms <= 0`); never rejects. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))),
};
