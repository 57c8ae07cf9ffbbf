import { expect } from 'chai';
import { backoffDelay, checkBackoffPolicy, DEFAULT_BACKOFF } from '../../../src/pipeline/backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the base per consecutive failure and stops at the cap', () => {
    const policy = { baseMs: 10, maxMs: 40 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).to.deep.equal([10, 20, 40, 40, 40]);
  });
  it('is total: no failures gives the base, a huge count the cap, a factor is honoured', () => {
    expect(backoffDelay({ baseMs: 10, maxMs: 40 }, 0)).to.equal(10);
    expect(backoffDelay(DEFAULT_BACKOFF, 5000)).to.equal(300_000);
    expect(backoffDelay({ baseMs: 1, maxMs: 100, factor: 3 }, 3)).to.equal(9);
  });
});

describe('checkBackoffPolicy', () => {
  it('accepts the default and refuses nonsense', () => {
    expect(() => checkBackoffPolicy(DEFAULT_BACKOFF)).to.not.throw();
    expect(() => checkBackoffPolicy({ baseMs: 0, maxMs: 10 })).to.throw(RangeError, /baseMs/);
    expect(() => checkBackoffPolicy({ baseMs: 10, maxMs: Number.POSITIVE_INFINITY })).to.throw(
      RangeError,
      /maxMs/,
    );
    expect(() => checkBackoffPolicy({ baseMs: 10, maxMs: 20, factor: 0.5 })).to.throw(RangeError, /factor/);
  });
});
