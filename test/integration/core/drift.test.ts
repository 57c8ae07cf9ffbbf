import { expect } from 'chai';
import { backendServiceName, frontendNames } from '../../../src/naming/gce-names.ts';
import {
  BASE,
  INGRESS,
  INSTANCE_ID,
  PROJECT,
  calls,
  clearCalls,
  desiredOf,
  done,
  expectConverged,
  expectWorldMatches,
  gceClient,
  methods,
  prepare,
  startWorld,
  sync,
  writeMethods,
} from './harness.ts';
import type { Scenario, World } from './harness.ts';

const owner = { instanceId: INSTANCE_ID, ...INGRESS };
const names = frontendNames(owner);

/** Fails unless a controller with nothing cached would change nothing. */
async function expectNothingLeft(world: World, scenario: Scenario): Promise<void> {
  const check = await sync(gceClient(world), scenario, { dryRun: true });
  expect(
    check.plan.steps.filter((s) => s.op !== 'nothing').map((s) => `${s.op} ${s.kind}/${s.name}`),
  ).to.deep.equal([]);
}

describe('load-balancer core: changes made by someone else', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  it('a stale fingerprint (412) makes the sync re-observe and re-plan, and the retry wins', async () => {
    await prepare(world, 5);
    const base: Scenario = { mode: 'neg' };
    const gce = gceClient(world);
    expectConverged(await sync(gce, base));
    // A resync re-reads what the first one wrote; from then on the cache holds every body.
    expectConverged(await sync(gce, base));

    // Someone repoints the URL map behind the controller's back; the controller's cache still
    // holds the old fingerprint.
    const { data: urlMap } = await world.api.urlMaps.get({ project: PROJECT, urlMap: names.urlMap });
    const api = backendServiceName(owner, { service: 'api', port: 8080 });
    await done(
      world,
      world.api.urlMaps.update({
        project: PROJECT,
        urlMap: names.urlMap,
        requestBody: {
          ...urlMap,
          defaultService: `${BASE}projects/${PROJECT}/global/backendServices/${api}`,
        },
      }),
    );
    await clearCalls(world);

    const changed: Scenario = { ...base, path: '/v2/api' };
    const result = await sync(gce, changed);

    expectConverged(result);
    expect(result.rounds, 'rounds').to.equal(2);
    const updates = (await calls(world)).filter((c) => c.method === 'compute.urlMaps.update');
    expect(updates.map((c) => c.status)).to.deep.equal([412, 200]);
    await expectWorldMatches(world, desiredOf(changed));
    await expectNothingLeft(world, changed);
  });

  it('a refreshing resync repairs what others deleted or changed', async () => {
    await prepare(world, 5);
    const scenario: Scenario = { mode: 'neg' };
    const gce = gceClient(world);
    expectConverged(await sync(gce, scenario));

    const web = backendServiceName(owner, { service: 'web', port: 80 });
    const { data: service } = await world.api.backendServices.get({ project: PROJECT, backendService: web });
    await done(
      world,
      world.api.backendServices.patch({
        project: PROJECT,
        backendService: web,
        requestBody: { backends: service.backends?.slice(1), fingerprint: service.fingerprint },
      }),
    );
    await done(
      world,
      world.api.globalForwardingRules.delete({ project: PROJECT, forwardingRule: names.httpForwardingRule }),
    );

    await clearCalls(world);
    expectConverged(await sync(gce, scenario, { refresh: true }));

    expect(writeMethods(await calls(world))).to.deep.equal(
      methods(['backendServices.patch', 1], ['globalForwardingRules.insert', 1]),
    );
    await expectWorldMatches(world, desiredOf(scenario));
    await expectNothingLeft(world, scenario);
  });
});
