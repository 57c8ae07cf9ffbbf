// §8 rows "Operations", "Concurrent mutation" and "requestId idempotency", in virtual time: the
// emulator's clock is a ManualClock, so operations advance only when the test moves time.
import { expect } from 'chai';
import type { compute_v1 } from '@googleapis/compute';
import { ManualClock } from '../../emulator/index.ts';
import { BASE, PROJECT, ZONE, expectApiError, healthCheck, useEmulator } from './helpers.ts';

const clock = new ManualClock();

/** Polls (with a deadline) until the emulator has registered a new timer, i.e. a wait call has arrived. */
async function untilTimers(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (clock.pendingTimers < n) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${n} timers (have ${clock.pendingTimers})`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('emulator: asynchronous operations', () => {
  const ctx = useEmulator({ clock, opLatencyMs: 1000 });
  const op = (name: string) =>
    ctx.api.globalOperations.get({ project: PROJECT, operation: name }).then((r) => r.data);

  it('goes PENDING → RUNNING → DONE by the clock and commits at DONE', async () => {
    const res = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'HTTP' },
    });
    const first = res.data;
    expect(first).to.include({
      kind: 'compute#operation',
      status: 'PENDING',
      operationType: 'insert',
      progress: 0,
    });
    expect(first.targetLink).to.equal(`${BASE}projects/${PROJECT}/global/healthChecks/hc`);
    expect(first.selfLink).to.equal(`${BASE}projects/${PROJECT}/global/operations/${first.name}`);
    expect(first.name).to.match(/^operation-\d+-[0-9a-f]{13}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    clock.advance(499);
    expect((await op(String(first.name))).status).to.equal('PENDING');
    clock.advance(1);
    const running = await op(String(first.name));
    expect(running.status).to.equal('RUNNING');
    expect(running.startTime).to.be.a('string');
    clock.advance(500);
    const done = await op(String(first.name));
    expect(done).to.include({
      status: 'DONE',
      progress: 100,
      targetId: (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data.id,
    });
    expect(done.endTime).to.be.a('string');
    expect(done).to.not.have.property('error');
  });

  it('returns zonal operations for zonal resources', async () => {
    const res = await ctx.api.instanceGroups.insert({
      project: PROJECT,
      zone: ZONE,
      requestBody: { name: 'ig' },
    });
    expect(res.data.zone).to.equal(`${BASE}projects/${PROJECT}/zones/${ZONE}`);
    expect(res.data.selfLink).to.equal(
      `${BASE}projects/${PROJECT}/zones/${ZONE}/operations/${res.data.name}`,
    );
    clock.advance(1000);
    const done = await ctx.api.zoneOperations.get({
      project: PROJECT,
      zone: ZONE,
      operation: String(res.data.name),
    });
    expect(done.data.status).to.equal('DONE');
    const list = await ctx.api.zoneOperations.list({ project: PROJECT, zone: ZONE });
    expect(list.data.items?.map((o) => o.name)).to.deep.equal([res.data.name]);
  });

  it('refuses to reference a resource whose insert is not DONE (400 resourceNotReady), then accepts it', async () => {
    await healthCheck(ctx.api);
    const body: compute_v1.Schema$BackendService = { name: 'bs', healthChecks: ['global/healthChecks/hc'] };
    const err = await expectApiError(
      ctx.api.backendServices.insert({ project: PROJECT, requestBody: body }),
      400,
      'resourceNotReady',
    );
    expect(err.message).to.equal(`The resource 'projects/${PROJECT}/global/healthChecks/hc' is not ready`);
    clock.advance(1000);
    const ok = await ctx.api.backendServices.insert({ project: PROJECT, requestBody: body });
    expect(ok.data.status).to.equal('PENDING');
  });

  it('shows a resource on GET while its insert runs, and holds its name (409)', async () => {
    await healthCheck(ctx.api);
    expect((await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data.name).to.equal(
      'hc',
    );
    await expectApiError(
      ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'TCP' } }),
      409,
      'alreadyExists',
    );
  });

  it('refuses a second mutation while one runs on the same resource (400 resourceNotReady)', async () => {
    await healthCheck(ctx.api);
    clock.advance(1000);
    await ctx.api.healthChecks.patch({ project: PROJECT, healthCheck: 'hc', requestBody: { timeoutSec: 4 } });
    await expectApiError(
      ctx.api.healthChecks.patch({ project: PROJECT, healthCheck: 'hc', requestBody: { timeoutSec: 3 } }),
      400,
      'resourceNotReady',
    );
    await expectApiError(
      ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'hc' }),
      400,
      'resourceNotReady',
    );
    expect(
      (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data.timeoutSec,
    ).to.equal(5);
    clock.advance(1000);
    expect(
      (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data.timeoutSec,
    ).to.equal(4);
  });

  it('removes a resource only when its delete is DONE', async () => {
    await healthCheck(ctx.api);
    clock.advance(1000);
    await ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'hc' });
    expect((await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).status).to.equal(200);
    clock.advance(1000);
    await expectApiError(ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' }), 404, 'notFound');
  });

  it('wait returns as soon as the operation is DONE', async () => {
    const res = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'HTTP' },
    });
    const timers = clock.pendingTimers;
    const waiting = ctx.api.globalOperations.wait({ project: PROJECT, operation: String(res.data.name) });
    await untilTimers(timers + 1);
    clock.advance(1000);
    expect((await waiting).data.status).to.equal('DONE');
  });

  it('wait gives up after its deadline and returns the operation still RUNNING (a hung operation)', async () => {
    ctx.gce.setConfig({ faults: [{ method: 'compute.healthChecks.insert', action: 'operationHang' }] });
    const res = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'HTTP' },
    });
    expect(res.data.status).to.equal('RUNNING');
    const timers = clock.pendingTimers;
    const waiting = ctx.api.globalOperations.wait({ project: PROJECT, operation: String(res.data.name) });
    await untilTimers(timers + 1);
    clock.advance(120_000);
    expect((await waiting).data.status).to.equal('RUNNING');
    await expectApiError(
      ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'hc' }),
      400,
      'resourceNotReady',
    );
    expect(ctx.gce.releaseOperations()).to.equal(1);
    expect((await op(String(res.data.name))).status).to.equal('DONE');
  });

  it('delivers failures inside finished operations (error.errors[], httpErrorStatusCode) and rolls back', async () => {
    ctx.gce.setConfig({ quotas: { HEALTH_CHECKS: 0 }, quotaFailure: 'operation' });
    const res = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'HTTP' },
    });
    expect(res.data.status).to.equal('PENDING');
    clock.advance(1000);
    const done = await op(String(res.data.name));
    expect(done.status).to.equal('DONE');
    expect(done.httpErrorStatusCode).to.equal(403);
    expect(done.httpErrorMessage).to.equal('FORBIDDEN');
    expect(done.error?.errors?.[0]).to.deep.equal({
      code: 'QUOTA_EXCEEDED',
      message: "Quota 'HEALTH_CHECKS' exceeded.  Limit: 0.0 globally.",
    });
    await expectApiError(ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' }), 404, 'notFound');
  });

  it('lists, gets and deletes finished operations', async () => {
    const a = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'a', type: 'HTTP' },
    });
    const b = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'b', type: 'HTTP' },
    });
    clock.advance(1000);
    const list = await ctx.api.globalOperations.list({ project: PROJECT, filter: 'status = DONE' });
    expect(list.data.items?.map((o) => o.name)).to.have.members([a.data.name, b.data.name]);
    await ctx.api.globalOperations.delete({ project: PROJECT, operation: String(a.data.name) });
    await expectApiError(op(String(a.data.name)), 404, 'notFound');
    const aggregated = await ctx.api.globalOperations.aggregatedList({ project: PROJECT });
    expect(aggregated.data.items?.global?.operations?.map((o) => o.name)).to.deep.equal([b.data.name]);
  });

  it('draws latencies from a per-method distribution', async () => {
    ctx.gce.setConfig({ methodLatency: { 'compute.healthChecks.insert': { minMs: 2000, maxMs: 3000 } } });
    const res = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'HTTP' },
    });
    clock.advance(1999);
    expect((await op(String(res.data.name))).status).to.not.equal('DONE');
    clock.advance(1001);
    expect((await op(String(res.data.name))).status).to.equal('DONE');
  });

  describe('requestId', () => {
    const requestId = '6f1c2a4e-8b7d-4c3a-9e2f-0a1b2c3d4e5f';

    it('returns the same operation for a repeated requestId and does the work once', async () => {
      const first = await ctx.api.healthChecks.insert({
        project: PROJECT,
        requestId,
        requestBody: { name: 'hc', type: 'HTTP' },
      });
      clock.advance(1000);
      const again = await ctx.api.healthChecks.insert({
        project: PROJECT,
        requestId,
        requestBody: { name: 'hc', type: 'HTTP' },
      });
      expect(again.data.name).to.equal(first.data.name);
      expect(again.data.status).to.equal('DONE');
      expect(again.data.clientOperationId).to.equal(requestId);
      expect((await ctx.api.healthChecks.list({ project: PROJECT })).data.items).to.have.length(1);
    });

    it('refuses the zero UUID and a malformed one with 400 invalid', async () => {
      await expectApiError(
        ctx.api.healthChecks.insert({
          project: PROJECT,
          requestId: '00000000-0000-0000-0000-000000000000',
          requestBody: { name: 'hc', type: 'HTTP' },
        }),
        400,
        'invalid',
      );
      await expectApiError(
        ctx.api.healthChecks.insert({
          project: PROJECT,
          requestId: 'retry-1',
          requestBody: { name: 'hc', type: 'HTTP' },
        }),
        400,
        'invalid',
      );
    });
  });
});
