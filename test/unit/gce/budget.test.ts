import { expect } from 'chai';
import { TokenBucketBudget } from '../../../src/gce/budget.ts';
import { InstantClock } from './instant-clock.ts';

describe('TokenBucketBudget', () => {
  it('lets a burst through, then paces each group at its own rate', async () => {
    const clock = new InstantClock();
    const budget = new TokenBucketBudget(
      { read: { perSecond: 2, burst: 2 }, write: { perSecond: 1, burst: 1 } },
      clock,
    );
    await budget.acquire('read');
    await budget.acquire('read');
    await budget.acquire('write');
    expect(clock.sleeps).to.deep.equal([]);
    await budget.acquire('read');
    expect(clock.sleeps).to.deep.equal([500]);
    await budget.acquire('write');
    expect(clock.sleeps).to.deep.equal([500, 500]);
  });

  it('refills while idle, up to the burst and no more', async () => {
    const clock = new InstantClock();
    const budget = new TokenBucketBudget(
      { read: { perSecond: 10, burst: 3 }, write: { perSecond: 1, burst: 1 } },
      clock,
    );
    for (let i = 0; i < 3; i++) await budget.acquire('read');
    clock.time += 60_000;
    for (let i = 0; i < 3; i++) await budget.acquire('read');
    expect(clock.sleeps).to.deep.equal([]);
    await budget.acquire('read');
    expect(clock.sleeps).to.deep.equal([100]);
  });

  it('serves concurrent callers in order, each waiting for its own token', async () => {
    // Time stands still while the three ask at once.
    const sleeps: number[] = [];
    const clock = { now: () => 0, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()) };
    const budget = new TokenBucketBudget(
      { read: { perSecond: 1, burst: 1 }, write: { perSecond: 1, burst: 1 } },
      clock,
    );
    await Promise.all([budget.acquire('write'), budget.acquire('write'), budget.acquire('write')]);
    expect(sleeps).to.deep.equal([1000, 2000]);
  });

  it('refuses limits that could never admit a request', () => {
    const clock = new InstantClock();
    expect(
      () =>
        new TokenBucketBudget({ read: { perSecond: 0, burst: 1 }, write: { perSecond: 1, burst: 1 } }, clock),
    ).to.throw(RangeError);
  });
});
