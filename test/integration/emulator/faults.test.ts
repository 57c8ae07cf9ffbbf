// §8 row "Fault injection": HTTP errors before or after the write, dropped responses, failing
// and hanging operations, probabilities from a seed; exercised through gaxios' own retries where
// they matter (GET/PUT/DELETE are retried on 5xx and 429, POST and 403 are not).
import { compute } from '@googleapis/compute';
import { expect } from 'chai';
import { PROJECT, expectApiError, loadBalancer, useEmulator } from './helpers.ts';

describe('emulator: fault injection', () => {
  const ctx = useEmulator();
  /** A client with gaxios' default retries on, as an application that forgets `retry: false` has. */
  const retrying = () => compute({ version: 'v1', rootUrl: ctx.gce.endpoint });
  const statuses = (method: string) =>
    ctx.gce
      .calls()
      .filter((c) => c.method === method)
      .map((c) => c.status);

  it('fails a call with an injected 503 before doing anything; gaxios retries a GET through it', async () => {
    await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
    ctx.gce.setConfig({
      faults: [{ method: 'compute.healthChecks.get', action: 'error', status: 503, times: 2 }],
    });
    const res = await retrying().healthChecks.get({ project: PROJECT, healthCheck: 'hc' });
    expect(res.data.name).to.equal('hc');
    expect(statuses('compute.healthChecks.get')).to.deep.equal([503, 503, 200]);
  });

  it('reproduces the lost PUT: applied, answered 503, retried by gaxios, refused 412', async () => {
    await loadBalancer(ctx.gce, ctx.api);
    const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data;
    ctx.gce.setConfig({
      faults: [
        { method: 'compute.backendServices.update', action: 'errorAfterApply', status: 503, times: 1 },
      ],
    });
    await expectApiError(
      retrying().backendServices.update({
        project: PROJECT,
        backendService: 'bs',
        requestBody: { ...bs, timeoutSec: 45 },
      }),
      412,
      'conditionNotMet',
    );
    expect(statuses('compute.backendServices.update')).to.deep.equal([503, 412]);
    expect(
      (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data.timeoutSec,
    ).to.equal(45);
  });

  it('drops the response of a write that was applied', async () => {
    ctx.gce.setConfig({ faults: [{ method: 'compute.healthChecks.insert', action: 'drop' }] });
    let caught: unknown;
    try {
      await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(Error);
    expect((caught as { response?: unknown }).response).to.equal(undefined);
    expect((await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data.name).to.equal(
      'hc',
    );
    expect(ctx.gce.calls()[0]).to.include({
      method: 'compute.healthChecks.insert',
      status: 200,
      dropped: true,
    });
  });

  it('fails the operation instead of the call, applying nothing', async () => {
    ctx.gce.setConfig({
      faults: [
        {
          method: 'compute.healthChecks.insert',
          action: 'operationFail',
          status: 503,
          reason: 'backendError',
          message: 'boom',
        },
      ],
    });
    const op = (
      await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } })
    ).data;
    expect(op).to.include({ status: 'DONE', httpErrorStatusCode: 503 });
    expect(op.error?.errors).to.deep.equal([{ code: 'INTERNAL_ERROR', message: 'boom' }]);
    await expectApiError(ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' }), 404);
  });

  it('injects 429 (retried by gaxios on GET) and matches methods by glob', async () => {
    await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
    ctx.gce.setConfig({ faults: [{ method: 'compute.*.get', action: 'error', status: 429, times: 2 }] });
    await expectApiError(
      ctx.api.networks.get({ project: PROJECT, network: 'default' }),
      429,
      'rateLimitExceeded',
    );
    await retrying().healthChecks.get({ project: PROJECT, healthCheck: 'hc' });
    expect(statuses('compute.healthChecks.get')).to.deep.equal([429, 200]);
    await ctx.api.networks.get({ project: PROJECT, network: 'default' });
    expect(statuses('compute.networks.get')).to.deep.equal([429, 200]);
  });

  it('does not retry POST or 403 (gaxios), so each shows once in the log', async () => {
    ctx.gce.setConfig({
      faults: [{ method: 'compute.healthChecks.insert', action: 'error', status: 503 }],
      rateLimits: { reads: 0 },
    });
    await expectApiError(
      retrying().healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } }),
      503,
      'backendError',
    );
    await expectApiError(
      retrying().healthChecks.get({ project: PROJECT, healthCheck: 'hc' }),
      403,
      'rateLimitExceeded',
    );
    expect(ctx.gce.calls().map((c) => `${c.method} ${c.status}`)).to.deep.equal([
      'compute.healthChecks.insert 503',
      'compute.healthChecks.get 403',
    ]);
  });

  it('draws probabilities from the seed: the same seed replays the same pattern', async () => {
    const pattern = async () => {
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/networks/default`);
        out.push(res.status);
      }
      return out;
    };
    ctx.gce.setConfig({
      seed: 7,
      faults: [{ method: 'compute.networks.get', action: 'error', status: 500, probability: 0.5 }],
    });
    const first = await pattern();
    ctx.gce.reset();
    const second = await pattern();
    expect(second).to.deep.equal(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).to.be.greaterThan(0).and.lessThan(20);
  });
});
