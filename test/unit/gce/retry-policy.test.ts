import { expect } from 'chai';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../src/gce/retry-policy.ts';

describe('backoffDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 5000 };

  it('doubles per attempt, keeps half of the delay fixed and caps it', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).to.deep.equal([500, 1000, 2000, 2500]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0.999999))).to.satisfy((d: number[]) =>
      d.every((v, i) => v < [1000, 2000, 4000, 5000][i]! && v > [999, 1999, 3999, 4999][i]!),
    );
  });

  it('waits at least the rate-limit floor after a rate limit', () => {
    expect(backoffDelay({ ...policy, rateLimitedMinDelayMs: 5000 }, 1, () => 0, true)).to.equal(5000);
  });
});
