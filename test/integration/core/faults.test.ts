import { expect } from 'chai';
import type { SyncResult } from '../../../src/apply/sync-load-balancer.ts';
import { GceError } from '../../../src/gce/index.ts';
import type { GceClient } from '../../../src/gce/index.ts';
import type { FaultRule } from '../../emulator/index.ts';
import {
  calls,
  desiredOf,
  expectWorldMatches,
  gceClient,
  prepare,
  seededRandom,
  startWorld,
  sync,
} from './harness.ts';
import type { Scenario, World } from './harness.ts';

/** About one call in ten fails: a 5xx, a 429, or a response lost after the write was done. */
const FAULTS: readonly FaultRule[] = [
  { method: 'compute.*', action: 'error', status: 503, probability: 0.04 },
  { method: 'compute.*', action: 'error', status: 429, probability: 0.03 },
  { method: 'compute.*', action: 'drop', probability: 0.03 },
];

/** The client, with every write that rejected recorded by the kind of its error. */
function recordingClient(gce: GceClient, rejected: string[]): GceClient {
  const record =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (err) {
        rejected.push(err instanceof GceError ? err.kind : String(err));
        throw err;
      }
    };
  return {
    project: gce.project,
    observe: (kinds, options) => gce.observe(kinds, options),
    refresh: (kind) => gce.refresh(kind),
    get: (kind, name, options) => gce.get(kind, name, options),
    list: (kind, options) => gce.list(kind, options),
    getHealth: (service, group) => gce.getHealth(service, group),
    insert: record((kind, body) => gce.insert(kind, body)),
    update: record((kind, name, body) => gce.update(kind, name, body)),
    patch: record((kind, name, body) => gce.patch(kind, name, body)),
    delete: record((kind, name) => gce.delete(kind, name)),
    setUrlMap: record((kind, name, body) => gce.setUrlMap(kind, name, body)),
    setSslCertificates: record((kind, name, body) => gce.setSslCertificates(kind, name, body)),
    setTarget: record((kind, name, body) => gce.setTarget(kind, name, body)),
  };
}

/** Syncs as the controller's work queue would: again after a failed reconcile, a bounded number of times. */
async function reconcile(gce: GceClient, scenario: Scenario | null, thrown: string[]): Promise<number> {
  const why: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    let result: SyncResult | undefined;
    try {
      result = await sync(gce, scenario);
    } catch (err) {
      thrown.push(err instanceof GceError ? err.kind : String(err));
      why.push(String(err));
    }
    if (result?.converged) return attempt;
    for (const f of result?.apply?.failures ?? [])
      why.push(`${f.step.kind}/${f.step.name}: ${f.error.message}`);
  }
  expect.fail(`did not converge in 4 reconciles: ${why.join('; ')}`);
}

describe('load-balancer core: faults', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  it('lost responses to inserts and fingerprinted writes are retried with their requestId: no 409, no 412', async () => {
    await prepare(world, 5);
    // Every one of these applies the write, then the answer never arrives (or is an error).
    world.emulator.setConfig({
      faults: [
        { method: 'compute.*.insert', action: 'drop', times: 4 },
        { method: 'compute.urlMaps.update', action: 'drop', times: 1 },
        { method: 'compute.backendServices.patch', action: 'errorAfterApply', status: 503, times: 1 },
        { method: 'compute.targetHttpsProxies.setSslCertificates', action: 'drop', times: 1 },
      ],
    });
    const rejected: string[] = [];
    const thrown: string[] = [];
    const gce = recordingClient(gceClient(world), rejected);
    const phases: Scenario[] = [
      { mode: 'neg', certificate: 'a' },
      { mode: 'neg', certificate: 'b', path: '/v2/api', capacity: { eu: '0.5' } },
    ];
    for (const scenario of phases) {
      expect(await reconcile(gce, scenario, thrown), 'reconciles').to.equal(1);
      await expectWorldMatches(world, desiredOf(scenario));
    }

    const log = await calls(world);
    const lost = log.filter((c) => c.dropped === true || c.status === 503).map((c) => c.method);
    expect(lost.filter((m) => m.endsWith('.insert'))).to.have.length(4);
    expect(lost.filter((m) => !m.endsWith('.insert')).sort()).to.deep.equal([
      'compute.backendServices.patch',
      'compute.targetHttpsProxies.setSslCertificates',
      'compute.urlMaps.update',
    ]);
    expect(
      log.filter((c) => c.status === 409 || c.status === 412).map((c) => `${c.method} ${c.status}`),
    ).to.deep.equal([]);
    expect([...rejected, ...thrown], 'failed writes and syncs').to.deep.equal([]);
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: converges to the exact set through 5xx, 429 and lost responses; no 409 or 412 fails`, async () => {
      await prepare(world, 5);
      const setFaults = (on: boolean) => world.emulator.setConfig({ seed, faults: on ? FAULTS : [] });
      const rejected: string[] = [];
      const thrown: string[] = [];
      const gce = recordingClient(gceClient(world, { random: seededRandom(seed) }), rejected);
      const lifecycle: (Scenario | null)[] = [
        { mode: 'neg', certificate: 'a' },
        { mode: 'neg', certificate: 'b', path: '/v2/api', capacity: { eu: '0.5' } },
        { mode: 'instance-group', certificate: 'b', allowHttp: false },
        null,
      ];
      const reconciles: number[] = [];
      for (const scenario of lifecycle) {
        setFaults(true);
        reconciles.push(await reconcile(gce, scenario, thrown));
        setFaults(false);
        const desired = scenario === null ? [] : desiredOf(scenario);
        await expectWorldMatches(world, desired);
        // Not only the names: a controller with nothing cached finds nothing to change.
        const check = await sync(gceClient(world), scenario, { dryRun: true });
        expect(
          check.plan.steps
            .filter((s) => s.op !== 'nothing')
            .map((s) => `${s.op} ${s.kind}/${s.name}: ${s.reason}`),
          'changes left after convergence',
        ).to.deep.equal([]);
      }

      const log = await calls(world);
      const count = (p: (c: (typeof log)[number]) => boolean) => log.filter(p).length;
      const injected = { '5xx': count((c) => c.status === 503), '429': count((c) => c.status === 429) };
      const dropped = count((c) => c.dropped === true);
      expect(injected['5xx'], 'injected 5xx').to.be.greaterThan(0);
      expect(injected['429'], 'injected 429').to.be.greaterThan(0);
      expect(dropped, 'lost responses').to.be.greaterThan(0);
      const stale = [...rejected, ...thrown].filter(
        (k) => k === 'alreadyExists' || k === 'preconditionFailed',
      );
      expect(stale, '409 or 412 on an error path').to.deep.equal([]);
      console.log(
        `      seed ${seed}: ${log.length} calls, ${injected['5xx']} x 503, ${injected['429']} x 429, ` +
          `${dropped} lost, ${count((c) => c.status === 409)} x 409, ${count((c) => c.status === 412)} x 412; ` +
          `reconciles per phase ${reconciles.join('/')}; failed writes ${JSON.stringify(rejected)}, failed syncs ${JSON.stringify(thrown)}`,
      );
    });
  }
});
