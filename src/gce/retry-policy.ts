/** How our one retry layer backs off between attempts of one call. */
export interface RetryPolicy {
  /** Attempts in total, the first included (1 = no retry). */
  readonly maxAttempts: number;
  /** Delay before the second attempt, before jitter. */
  readonly initialDelayMs: number;
  /** Growth factor per attempt. */
  readonly multiplier: number;
  /** Cap of the delay before jitter. */
  readonly maxDelayMs: number;
  /**
   * Floor for rate-limited failures: GCE refills its per-minute quotas at the next minute
   * boundary, so retrying sooner than a few seconds only spends more of the budget.
   */
  readonly rateLimitedMinDelayMs: number;
}

/** Five attempts over roughly 15 s; a rate limit waits at least 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 1000,
  multiplier: 2,
  maxDelayMs: 30_000,
  rateLimitedMinDelayMs: 5000,
};

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: exponential,
 * capped, with "equal jitter" (half fixed, half random) so that many reconciles that failed
 * together do not retry together, yet no retry comes immediately. `random` returns [0, 1).
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  rateLimited = false,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  const jittered = base / 2 + (random() * base) / 2;
  return rateLimited ? Math.max(policy.rateLimitedMinDelayMs, jittered) : jittered;
}
