/**
 * Per-minute API rate limits, as Compute Engine enforces them: each project has a budget per
 * method group per 60-second window, and the budget refills at the next synchronized minute
 * boundary (a limit hit at 10:00:15 refills at 10:01:00). Every window's admitted and rejected
 * counts are kept so a benchmark can read how its writes were spread.
 */
import type { Clock } from './clock.ts';
import type { RateGroup } from './config.ts';

/** The rate group a method id falls in. */
export function rateGroupOf(methodId: string): RateGroup {
  const verb = methodId.slice(methodId.lastIndexOf('.') + 1);
  if (/Operations\.(get|wait)$/.test(methodId)) return 'operationReads';
  if (verb === 'list' || verb === 'aggregatedList' || verb.startsWith('list')) return 'lists';
  if (verb === 'get' || verb === 'getHealth' || verb === 'validate') return 'reads';
  return 'mutations';
}

/** The counts of one group in one minute window. */
export interface RateWindow {
  /** Start of the window, ISO 8601. */
  readonly windowStart: string;
  readonly group: RateGroup;
  readonly admitted: number;
  readonly rejected: number;
}

/** Counts calls per (minute, group) and says whether each one is within its group's limit. */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #limits: () => Readonly<Record<RateGroup, number>>;
  #windows = new Map<string, { minute: number; group: RateGroup; admitted: number; rejected: number }>();

  constructor(clock: Clock, limits: () => Readonly<Record<RateGroup, number>>) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Counts one call of `methodId`; returns false (and counts a rejection) when its group is exhausted. */
  admit(methodId: string): { admitted: boolean; group: RateGroup } {
    const group = rateGroupOf(methodId);
    const minute = Math.floor(this.#clock.now() / 60_000);
    const key = `${minute}/${group}`;
    let w = this.#windows.get(key);
    if (!w) {
      w = { minute, group, admitted: 0, rejected: 0 };
      this.#windows.set(key, w);
    }
    if (w.admitted >= this.#limits()[group]) {
      w.rejected += 1;
      return { admitted: false, group };
    }
    w.admitted += 1;
    return { admitted: true, group };
  }

  /** Every window seen so far, oldest first. */
  windows(): RateWindow[] {
    return [...this.#windows.values()]
      .sort((a, b) => a.minute - b.minute || a.group.localeCompare(b.group))
      .map((w) => ({
        windowStart: new Date(w.minute * 60_000).toISOString(),
        group: w.group,
        admitted: w.admitted,
        rejected: w.rejected,
      }));
  }

  /** Forgets all windows. */
  clear(): void {
    this.#windows.clear();
  }
}
