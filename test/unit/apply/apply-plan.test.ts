import { expect } from 'chai';
import { applyPlan } from '../../../src/apply/apply-plan.ts';
import type { ApplyResult } from '../../../src/apply/apply-plan.ts';
import { PlanCycleError } from '../../../src/apply/errors.ts';
import { PreconditionFailedError, QuotaExceededError } from '../../../src/gce/errors.ts';
import type { ComputeBody, ResourceKind, ResourceRef } from '../../../src/model/gce.ts';
import type { Plan, PlanStep } from '../../../src/model/plan.ts';
import { FakeClient } from './fake-client.ts';
import { VirtualClock } from './virtual-clock.ts';

const ref = (kind: ResourceKind, name: string): ResourceRef => ({ kind, name });

function create(
  kind: ResourceKind,
  name: string,
  body: ComputeBody = {},
  dependsOn: ResourceRef[] = [],
): PlanStep {
  return { op: 'create', kind, name, reason: 'missing', body: { name, ...body }, dependsOn };
}

function del(kind: ResourceKind, name: string, dependsOn: ResourceRef[] = []): PlanStep {
  return { op: 'delete', kind, name, reason: 'not wanted', dependsOn };
}

function nothing(kind: ResourceKind, name: string): PlanStep {
  return { op: 'nothing', kind, name, reason: 'up to date', dependsOn: [] };
}

/** A fresh load balancer: dependency depth 5 (health check -> ... -> forwarding rule). */
function freshLoadBalancer(): PlanStep[] {
  return [
    create(
      'globalForwardingRules',
      'mci-fr80',
      { target: 'targetHttpProxies/mci-tp', IPAddress: 'addresses/mci-ip' },
      [ref('targetHttpProxies', 'mci-tp'), ref('addresses', 'mci-ip')],
    ),
    create(
      'globalForwardingRules',
      'mci-fr443',
      { target: 'targetHttpsProxies/mci-tps', IPAddress: 'addresses/mci-ip' },
      [ref('targetHttpsProxies', 'mci-tps'), ref('addresses', 'mci-ip')],
    ),
    create('targetHttpProxies', 'mci-tp', { urlMap: 'urlMaps/mci-um' }, [ref('urlMaps', 'mci-um')]),
    create(
      'targetHttpsProxies',
      'mci-tps',
      { urlMap: 'urlMaps/mci-um', sslCertificates: ['sslCertificates/mci-cert'] },
      [ref('urlMaps', 'mci-um'), ref('sslCertificates', 'mci-cert')],
    ),
    create('urlMaps', 'mci-um', { defaultService: 'backendServices/mci-bs' }, [
      ref('backendServices', 'mci-bs'),
    ]),
    create('backendServices', 'mci-bs', { healthChecks: ['healthChecks/mci-hc'] }, [
      ref('healthChecks', 'mci-hc'),
    ]),
    create('healthChecks', 'mci-hc'),
    create('sslCertificates', 'mci-cert'),
    create('addresses', 'mci-ip'),
    create('firewalls', 'mci-fw'),
  ];
}

async function apply(
  clock: VirtualClock,
  client: FakeClient,
  steps: readonly PlanStep[],
  options: Parameters<typeof applyPlan>[2] = {},
): Promise<ApplyResult> {
  return clock.run(applyPlan({ steps }, client, options));
}

function summary(result: ApplyResult): Record<string, string> {
  return Object.fromEntries(
    result.steps.map((r) => [
      `${r.step.kind}/${r.step.name}`,
      r.status === 'done' ? r.outcome : r.status === 'skipped' ? `skipped:${r.reason}` : r.status,
    ]),
  );
}

/** Builds the fresh load balancer in the fake, for tests that start from it. */
async function built(): Promise<{ clock: VirtualClock; client: FakeClient }> {
  const clock = new VirtualClock();
  const client = new FakeClient(clock);
  const result = await apply(clock, client, freshLoadBalancer());
  expect(result.ok).to.equal(true);
  client.calls.length = 0;
  return { clock, client };
}

describe('applyPlan', () => {
  it('creates a fresh load balancer in dependency order, in depth x latency, one write each', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock, 1000);
    const result = await apply(clock, client, freshLoadBalancer());
    expect(result.ok).to.equal(true);
    expect(new Set(Object.values(summary(result)))).to.deep.equal(new Set(['created']));
    expect(client.calls).to.have.length(10);
    expect(clock.now(), 'makespan').to.equal(5000);
    const end = (name: string) => client.calls.find((c) => c.name === name)?.end ?? Infinity;
    for (const c of client.calls) {
      const step = freshLoadBalancer().find((s) => s.name === c.name) as PlanStep;
      for (const dep of step.dependsOn)
        expect(c.start, `${c.name} after ${dep.name}`).to.be.at.least(end(dep.name));
    }
  });

  it('keeps at most `concurrency` steps in flight', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock, 1000);
    const steps = [1, 2, 3, 4, 5, 6].map((n) => create('healthChecks', `mci-hc${n}`));
    const result = await apply(clock, client, steps, { concurrency: 2 });
    expect(result.ok).to.equal(true);
    expect(client.maxInFlight).to.equal(2);
    expect(clock.now()).to.equal(3000);
  });

  it('deletes in reverse dependency order, even when the plan lists deletes forwards without dependsOn', async () => {
    const { clock, client } = await built();
    const teardown = [...freshLoadBalancer()].reverse().map((s) => del(s.kind, s.name));
    const result = await apply(clock, client, teardown);
    expect(result.failures.map((f) => f.error.message)).to.deep.equal([]);
    expect(new Set(Object.values(summary(result)))).to.deep.equal(new Set(['deleted']));
    expect(client.resources.size).to.equal(0);
    expect(
      Math.max(...client.calls.map((c) => c.end)) - Math.min(...client.calls.map((c) => c.start)),
    ).to.equal(5000);
  });

  it('rotates a certificate: create the new one, repoint the proxy, then delete the old one', async () => {
    const { clock, client } = await built();
    const steps: PlanStep[] = [
      del('sslCertificates', 'mci-cert'),
      {
        op: 'update',
        kind: 'targetHttpsProxies',
        name: 'mci-tps',
        reason: 'certificate rotated',
        method: 'setSslCertificates',
        body: { sslCertificates: ['sslCertificates/mci-cert2'] },
        fingerprint: 'fp-1',
        dependsOn: [ref('sslCertificates', 'mci-cert2'), ref('urlMaps', 'mci-um')],
      },
      create('sslCertificates', 'mci-cert2'),
      nothing('urlMaps', 'mci-um'),
    ];
    const result = await apply(clock, client, steps);
    expect(summary(result)).to.deep.equal({
      'sslCertificates/mci-cert': 'deleted',
      'targetHttpsProxies/mci-tps': 'updated',
      'sslCertificates/mci-cert2': 'created',
      'urlMaps/mci-um': 'unchanged',
    });
    expect(client.calls.map((c) => `${c.verb} ${c.name}`)).to.deep.equal([
      'insert mci-cert2',
      'setSslCertificates mci-tps',
      'delete mci-cert',
    ]);
    expect(client.calls[1]?.body, 'set* methods carry no fingerprint').to.not.have.property('fingerprint');
  });

  it('sends update and patch with the observed fingerprint, and recreates by delete then insert', async () => {
    const { clock, client } = await built();
    const steps: PlanStep[] = [
      {
        op: 'update',
        kind: 'urlMaps',
        name: 'mci-um',
        reason: 'host added',
        method: 'update',
        body: { name: 'mci-um', defaultService: 'backendServices/mci-bs', hostRules: [] },
        fingerprint: 'fp-7',
        dependsOn: [ref('backendServices', 'mci-bs')],
      },
      {
        op: 'recreate',
        kind: 'globalForwardingRules',
        name: 'mci-fr80',
        reason: 'port changed',
        body: { name: 'mci-fr80', target: 'targetHttpProxies/mci-tp', portRange: '8080-8080' },
        dependsOn: [ref('targetHttpProxies', 'mci-tp')],
      },
    ];
    const result = await apply(clock, client, steps);
    expect(summary(result)).to.deep.equal({
      'urlMaps/mci-um': 'updated',
      'globalForwardingRules/mci-fr80': 'recreated',
    });
    expect(client.calls.find((c) => c.verb === 'update')?.body).to.include({ fingerprint: 'fp-7' });
    expect(client.calls.filter((c) => c.name === 'mci-fr80').map((c) => c.verb)).to.deep.equal([
      'delete',
      'insert',
    ]);
    expect(client.resources.get('globalForwardingRules/mci-fr80')).to.include({ portRange: '8080-8080' });
  });

  it('makes no call for `nothing` steps: a second identical sync is zero writes', async () => {
    const { clock, client } = await built();
    const result = await apply(
      clock,
      client,
      freshLoadBalancer().map((s) => nothing(s.kind, s.name)),
    );
    expect(result.ok).to.equal(true);
    expect(new Set(Object.values(summary(result)))).to.deep.equal(new Set(['unchanged']));
    expect(client.calls).to.deep.equal([]);
  });

  it('isolates a failed step: its dependents are skipped, independent branches finish', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    const quota = new QuotaExceededError("Quota 'BACKEND_SERVICES' exceeded", {
      method: 'compute.backendServices.insert',
      status: 403,
    });
    client.failWith.set('insert backendServices/mci-bs', quota);
    const result = await apply(clock, client, freshLoadBalancer());
    expect(summary(result)).to.deep.equal({
      'globalForwardingRules/mci-fr80': 'skipped:dependencyFailed',
      'globalForwardingRules/mci-fr443': 'skipped:dependencyFailed',
      'targetHttpProxies/mci-tp': 'skipped:dependencyFailed',
      'targetHttpsProxies/mci-tps': 'skipped:dependencyFailed',
      'urlMaps/mci-um': 'skipped:dependencyFailed',
      'backendServices/mci-bs': 'failed',
      'healthChecks/mci-hc': 'created',
      'sslCertificates/mci-cert': 'created',
      'addresses/mci-ip': 'created',
      'firewalls/mci-fw': 'created',
    });
    expect(result.failures.map((f) => f.error)).to.deep.equal([quota]);
    expect(result).to.include({ ok: false, needsReplan: false });
    const um = result.steps.find((r) => r.step.name === 'mci-um');
    expect(um?.status === 'skipped' && um.blockedBy).to.deep.equal([ref('backendServices', 'mci-bs')]);
  });

  it('aborts on 412: steps in flight finish, nothing new starts, and a re-plan is asked for', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock, (verb) => (verb === 'update' ? 500 : 1000));
    client.resources.set('urlMaps/mci-um', { name: 'mci-um' });
    client.failWith.set(
      'update urlMaps/mci-um',
      new PreconditionFailedError('Invalid fingerprint.', { method: 'compute.urlMaps.update', status: 412 }),
    );
    const steps: PlanStep[] = [
      {
        op: 'update',
        kind: 'urlMaps',
        name: 'mci-um',
        reason: 'x',
        body: { name: 'mci-um' },
        fingerprint: 'old',
        dependsOn: [],
      },
      create('healthChecks', 'mci-hc'),
      create('backendServices', 'mci-bs', {}, [ref('healthChecks', 'mci-hc')]),
    ];
    const result = await apply(clock, client, steps);
    expect(summary(result)).to.deep.equal({
      'urlMaps/mci-um': 'failed',
      'healthChecks/mci-hc': 'created',
      'backendServices/mci-bs': 'skipped:aborted',
    });
    expect(result).to.include({ needsReplan: true, ok: false });
  });

  it('asks for a re-plan on 409 from a create without aborting the rest', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    client.resources.set('healthChecks/mci-hc', { name: 'mci-hc' });
    const result = await apply(
      clock,
      client,
      [create('healthChecks', 'mci-hc'), create('firewalls', 'mci-fw')],
      {
        concurrency: 1,
      },
    );
    expect(summary(result)).to.deep.equal({ 'healthChecks/mci-hc': 'failed', 'firewalls/mci-fw': 'created' });
    expect(result.needsReplan).to.equal(true);
  });

  it('dry run returns the plan with what each step would wait for, and sends nothing', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    const steps = freshLoadBalancer();
    const result = await apply(clock, client, steps, { dryRun: true });
    expect(client.calls).to.deep.equal([]);
    expect(result).to.include({ dryRun: true, ok: true });
    expect(result.plan.steps).to.equal(steps);
    const fr = result.steps[0];
    expect(fr?.status === 'planned' && fr.waitsFor).to.deep.equal([
      ref('targetHttpProxies', 'mci-tp'),
      ref('addresses', 'mci-ip'),
    ]);
  });

  it('fails steps on a dependency cycle without sending them, and runs the rest', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    const steps: Plan['steps'] = [
      create('urlMaps', 'mci-a', {}, [ref('backendServices', 'mci-b')]),
      create('backendServices', 'mci-b', {}, [ref('urlMaps', 'mci-a')]),
      create('healthChecks', 'mci-hc'),
    ];
    const result = await apply(clock, client, steps);
    expect(summary(result)).to.deep.equal({
      'urlMaps/mci-a': 'failed',
      'backendServices/mci-b': 'failed',
      'healthChecks/mci-hc': 'created',
    });
    expect(result.failures.every((f) => f.error instanceof PlanCycleError)).to.equal(true);
    expect(client.calls.map((c) => c.name)).to.deep.equal(['mci-hc']);
  });

  it('reports each step as it settles', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    const seen: string[] = [];
    await apply(clock, client, freshLoadBalancer().slice(4), { onStep: (r) => seen.push(r.step.name) });
    expect(seen).to.have.members(['mci-um', 'mci-bs', 'mci-hc', 'mci-cert', 'mci-ip', 'mci-fw']);
    expect(seen.indexOf('mci-hc')).to.be.lessThan(seen.indexOf('mci-bs'));
  });
});

describe('applyPlan with malformed steps', () => {
  it('fails a create without a body, or whose body names another resource, without sending it', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(clock);
    const steps: PlanStep[] = [
      { op: 'create', kind: 'healthChecks', name: 'mci-a', reason: 'x', dependsOn: [] },
      {
        op: 'recreate',
        kind: 'healthChecks',
        name: 'mci-b',
        reason: 'x',
        body: { name: 'other' },
        dependsOn: [],
      },
    ];
    const result = await apply(clock, client, steps);
    expect(result.failures.map((f) => f.error.name)).to.deep.equal(['InvalidStepError', 'InvalidStepError']);
    expect(client.calls).to.deep.equal([]);
  });
});
