import type { Clock } from './clock.ts';

/**
 * Method groups of the client-side request budget. GCE meters reads (get, list, operation polls)
 * and writes (mutations) in separate per-minute quota groups, so a burst of writes must not
 * starve the reads that observe the world, and the other way round.
 */
export type MethodGroup = 'read' | 'write';

/** A shared gate every Compute API request passes before it is sent. */
export interface RequestBudget {
  /** Resolves when one request of `group` may be sent. Never rejects. */
  acquire(group: MethodGroup): Promise<void>;
}

/** Rate and burst of one token bucket. */
export interface BucketLimits {
  /** Sustained requests per second (> 0). */
  readonly perSecond: number;
  /** Requests that may go at once after an idle period (>= 1). */
  readonly burst: number;
}

/** Limits of both groups. */
export type BudgetLimits = Readonly<Record<MethodGroup, BucketLimits>>;

/**
 * Defaults well under GCE's default 1,500 requests per minute (25/s) per group, leaving room for
 * other clients of the same project (ingress-gce, gcloud, terraform).
 */
export const DEFAULT_BUDGET_LIMITS: BudgetLimits = {
  read: { perSecond: 15, burst: 30 },
  write: { perSecond: 10, burst: 20 },
};

/**
 * One token bucket per method group, shared by every key the controller reconciles. Each
 * `acquire` reserves the next token at once (the balance may go negative) and then waits until
 * that token has been earned, the reservation scheme of Go's x/time/rate: callers are served in
 * arrival order and no queue or timer needs to be kept. Throws RangeError on invalid limits.
 */
export class TokenBucketBudget implements RequestBudget {
  readonly #clock: Clock;
  readonly #buckets: Record<MethodGroup, { limits: BucketLimits; tokens: number; at: number }>;

  constructor(limits: BudgetLimits, clock: Clock) {
    for (const [group, l] of Object.entries(limits)) {
      if (!(l.perSecond > 0) || !(l.burst >= 1)) {
        throw new RangeError(`request budget ${group}: need perSecond > 0 and burst >= 1`);
      }
    }
    this.#clock = clock;
    const now = clock.now();
    this.#buckets = {
      read: { limits: limits.read, tokens: limits.read.burst, at: now },
      write: { limits: limits.write, tokens: limits.write.burst, at: now },
    };
  }

  async acquire(group: MethodGroup): Promise<void> {
    const b = this.#buckets[group];
    const now = this.#clock.now();
    b.tokens = Math.min(b.limits.burst, b.tokens + ((now - b.at) / 1000) * b.limits.perSecond);
    b.at = now;
    b.tokens -= 1;
    if (b.tokens < 0) await this.#clock.sleep((-b.tokens / b.limits.perSecond) * 1000);
  }
}

/** A budget that never waits (tests, and one-shot CLI commands). */
export const unlimitedBudget: RequestBudget = { acquire: () => Promise.resolve() };
