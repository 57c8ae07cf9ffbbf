import type { Clock } from '../../../src/gce/clock.ts';

/**
 * A clock whose sleeps return at once and move time forward by their length, recording each
 * one: enough for sequential code (retries, budgets, polling) to run in virtual time.
 */
export class InstantClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (ms > 0) this.time += ms;
    return Promise.resolve();
  }
}
