import type { Clock } from '../../../src/gce/clock.ts';

/**
 * Discrete-event virtual time for code that only awaits promises and this clock: `run` lets
 * every pending promise job finish, then jumps to the earliest timer, until the awaited promise
 * settles. Concurrent sleeps overlap as they would in real time, so makespans can be asserted.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: { at: number; seq: number; fire: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, fire: resolve });
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Drives virtual time until `work` settles; rejects if it can never settle (nothing scheduled). */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      const next = this.#timers.shift();
      if (next === undefined) throw new Error('virtual clock: work is stuck with no timer pending');
      this.#now = next.at;
      next.fire();
    }
  }
}
