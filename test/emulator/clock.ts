/**
 * Time as the emulator sees it. Operations finish, rate-limit windows roll over and `wait` calls
 * time out by this clock, never by sleeping, so tests can run the emulator in virtual time.
 */

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly timerId: number } | ReturnType<typeof setTimeout>;

/** The clock the emulator is built on. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once `ms` milliseconds of this clock have passed. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cancelled is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface PendingTimer {
  readonly timerId: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in due order (ties in creation order) during
 * {@link ManualClock.advance}; a timer set by a firing timer fires in the same advance if it falls
 * due within it.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  /** Starts at `start` ms since the epoch (default 2026-01-05T10:00:00Z, a Monday at a minute boundary). */
  constructor(start = Date.UTC(2026, 0, 5, 10, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { timerId: this.#nextId++, due: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return { timerId: timer.timerId };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { timerId?: number }).timerId;
    this.#timers = this.#timers.filter((t) => t.timerId !== id);
  }

  /** How many timers are waiting. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    const end = this.#now + ms;
    for (;;) {
      const next = this.#earliest();
      if (!next || next.due > end) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = end;
  }

  /** Moves time to the absolute instant `at` (ms since the epoch). */
  advanceTo(at: number): void {
    this.advance(Math.max(0, at - this.#now));
  }

  #earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.#timers)
      if (!best || t.due < best.due || (t.due === best.due && t.timerId < best.timerId)) best = t;
    return best;
  }
}
