/**
 * Per-key exponential backoff: the n-th consecutive failure waits `baseMs × factor^(n-1)`, never
 * more than `maxMs`.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Growth per failure; 2 when absent. */
  readonly factor?: number;
}

/**
 * A policy for GCE work: client-go's 5 ms base is pointless when an operation takes seconds, and a
 * 5-minute cap means a key that keeps failing is still looked at several times per resync period.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 300_000, factor: 2 };

/**
 * Checks a policy once, where it is configured. Throws RangeError unless `0 < baseMs ≤ maxMs`, both
 * finite, and `factor ≥ 1`.
 */
export function checkBackoffPolicy(policy: BackoffPolicy): void {
  const factor = policy.factor ?? 2;
  if (!(Number.isFinite(policy.baseMs) && policy.baseMs > 0)) {
    throw new RangeError(`backoff baseMs must be a positive number, got ${policy.baseMs}`);
  }
  if (!(Number.isFinite(policy.maxMs) && policy.maxMs >= policy.baseMs)) {
    throw new RangeError(`backoff maxMs must be at least baseMs (${policy.baseMs}), got ${policy.maxMs}`);
  }
  if (!(Number.isFinite(factor) && factor >= 1)) {
    throw new RangeError(`backoff factor must be at least 1, got ${factor}`);
  }
}

/**
 * The delay before retrying after `failures` consecutive failures (1 for the first). Total for any
 * count: fewer than 1 gives `baseMs`, and a huge count gives `maxMs` (the power overflows to
 * Infinity, which the cap absorbs).
 */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(policy.maxMs, policy.baseMs * (policy.factor ?? 2) ** exponent);
}
