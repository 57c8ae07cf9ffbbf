// §8 rows "Rate limiting" and "Resource quotas", in virtual time.
import { expect } from 'chai';
import { ManualClock } from '../../emulator/index.ts';
import { PROJECT, expectApiError, useEmulator } from './helpers.ts';

describe('emulator: API rate limits', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  const ctx = useEmulator({ clock, config: { rateLimits: { mutations: 3, reads: 2 } } });
  const insert = (name: string) =>
    ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name, type: 'HTTP' } });

  beforeEach(() => clock.advanceTo(Math.ceil(clock.now() / 60_000) * 60_000));

  it('admits a group budget per minute window, refuses the rest with 403 rateLimitExceeded, refills at the minute boundary', async () => {
    const windowStart = new Date(clock.now()).toISOString();
    for (const n of ['a', 'b', 'c']) await insert(n);
    const err = await expectApiError(insert('d'), 403, 'rateLimitExceeded');
    expect(err.body.error.errors[0]?.domain).to.equal('usageLimits');
    expect(err.message).to.contain("Quota exceeded for quota metric 'Queries'");
    await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'a' });
    await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'b' });
    await expectApiError(
      ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'c' }),
      403,
      'rateLimitExceeded',
    );
    await ctx.api.healthChecks.list({ project: PROJECT });
    clock.advance(59_999);
    await expectApiError(insert('d'), 403, 'rateLimitExceeded');
    clock.advance(1);
    await insert('d');
    const windows = ctx.gce.rateLimitWindows();
    expect(windows).to.deep.include({ windowStart, group: 'mutations', admitted: 3, rejected: 2 });
    expect(windows).to.deep.include({ windowStart, group: 'reads', admitted: 2, rejected: 1 });
    expect(windows).to.deep.include({ windowStart, group: 'lists', admitted: 1, rejected: 0 });
    const next = new Date(Date.parse(windowStart) + 60_000).toISOString();
    expect(windows).to.deep.include({ windowStart: next, group: 'mutations', admitted: 1, rejected: 0 });
    const rejected = ctx.gce
      .calls()
      .filter((c) => c.status === 403)
      .map((c) => c.method);
    expect(rejected).to.deep.equal([
      'compute.healthChecks.insert',
      'compute.healthChecks.get',
      'compute.healthChecks.insert',
    ]);
  });

  it('answers 429 instead when configured as newer front ends do', async () => {
    ctx.gce.setConfig({ rateLimitStatus: 429 });
    for (const n of ['a', 'b', 'c']) await insert(n);
    await expectApiError(insert('d'), 429, 'rateLimitExceeded');
  });

  it('serves the window log on the admin endpoint', async () => {
    await insert('a');
    const res = await fetch(`${ctx.gce.admin}rate-limits`);
    const body = (await res.json()) as { windows: { group: string; admitted: number }[] };
    expect(body.windows.filter((w) => w.group === 'mutations').at(-1)?.admitted).to.equal(1);
  });
});

describe('emulator: resource quotas', () => {
  const ctx = useEmulator({ config: { quotas: { BACKEND_SERVICES: 1 } } });
  const insert = (name: string) =>
    ctx.api.backendServices.insert({ project: PROJECT, requestBody: { name } });

  it('refuses an insert over the quota with 403 quotaExceeded, and counts deletes back', async () => {
    await insert('a');
    const err = await expectApiError(insert('b'), 403, 'quotaExceeded');
    expect(err.message).to.equal("Quota 'BACKEND_SERVICES' exceeded.  Limit: 1.0 globally.");
    const project = (await ctx.api.projects.get({ project: PROJECT })).data;
    expect(project.quotas?.find((q) => q.metric === 'BACKEND_SERVICES')).to.deep.equal({
      metric: 'BACKEND_SERVICES',
      limit: 1,
      usage: 1,
    });
    await ctx.api.backendServices.delete({ project: PROJECT, backendService: 'a' });
    await insert('b');
  });

  it('can deliver the quota failure in the operation instead', async () => {
    ctx.gce.setConfig({ quotaFailure: 'operation' });
    await insert('a');
    const op = (await insert('b')).data;
    expect(op.status).to.equal('DONE');
    expect(op.error?.errors?.[0]?.code).to.equal('QUOTA_EXCEEDED');
    expect(op.httpErrorStatusCode).to.equal(403);
    await expectApiError(ctx.api.backendServices.get({ project: PROJECT, backendService: 'b' }), 404);
  });
});
