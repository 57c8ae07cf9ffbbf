import { expect } from 'chai';
import type { BackendMode } from '../../../src/model/translate.ts';
import { ownershipDescription } from '../../../src/naming/ownership.ts';
import {
  OTHER_INSTANCE_ID,
  PROJECT,
  STATIC_IP_NAME,
  calls,
  certificate,
  changedFields,
  clearCalls,
  desiredOf,
  done,
  expectConverged,
  expectWorldMatches,
  gceClient,
  insertMethod,
  isWrite,
  INSTANCE_ID,
  keyOf,
  ownedBy,
  ownedKeys,
  prepare,
  startWorld,
  sync,
  worldResources,
  writeMethods,
} from './harness.ts';
import type { Scenario, World, WorldResource } from './harness.ts';

/**
 * Resources that look like ours but are not: our prefix and naming pattern with no marker, with
 * another tool's JSON, or with our instance's marker for another Ingress.
 */
async function createLookAlikes(world: World): Promise<void> {
  const { api } = world;
  const network = `projects/${PROJECT}/global/networks/default`;
  const cert = certificate('a');
  await Promise.all([
    api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'mci2-hc-shop-web-web-80-lookalike0', type: 'HTTP' },
    }),
    api.firewalls.insert({
      project: PROJECT,
      requestBody: {
        name: 'mci2-fw-shop-web-default-lookalike',
        description: '{"managedBy":"someone-else","ingress":"shop/web"}',
        network,
        sourceRanges: ['130.211.0.0/22'],
        allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }],
      },
    }),
    api.healthChecks.insert({
      project: PROJECT,
      requestBody: {
        name: 'mci2-hc-shop-other-web-80-anotheringr',
        description: ownershipDescription({ instanceId: INSTANCE_ID, namespace: 'shop', name: 'other' }),
        type: 'HTTP',
      },
    }),
    api.sslCertificates.insert({
      project: PROJECT,
      requestBody: {
        name: 'mci2-cr-shop-web-shop-tls-lookalike',
        certificate: cert.crt,
        privateKey: cert.key,
      },
    }),
  ]);
}

describe('load-balancer core: ownership', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  it("leaves look-alikes and another instance's load balancer alone, through create, change and delete", async () => {
    await prepare(world, 0);
    await createLookAlikes(world);
    world.emulator.setConfig({ opLatency: 5 });
    const scenario: Scenario = { mode: 'neg', certificate: 'a' };

    // The same Ingress, served by another controller instance (another registry) in the project.
    const other = gceClient(world);
    expectConverged(await sync(other, scenario, { instanceId: OTHER_INSTANCE_ID }));
    const foreign = await worldResources(world);
    const foreignKeys = foreign.map(keyOf);
    expect(ownedBy(foreign, OTHER_INSTANCE_ID)).to.deep.equal(
      ownedKeys(desiredOf(scenario, OTHER_INSTANCE_ID)),
    );
    // Its resources, the four look-alikes and the user's reserved address.
    expect(foreign.length).to.equal(ownedBy(foreign, OTHER_INSTANCE_ID).length + 5);

    const untouched = async (): Promise<void> => {
      const now = (await worldResources(world)).filter((r) => foreignKeys.includes(keyOf(r)));
      expect(changedFields(foreign, now), 'changes to resources that are not ours').to.deep.equal([]);
    };
    const gce = gceClient(world);
    await clearCalls(world);

    expectConverged(await sync(gce, scenario));
    await expectWorldMatches(world, desiredOf(scenario), { othersExist: true });
    await untouched();

    const changed: Scenario = { ...scenario, certificate: 'b', capacity: { us: '0.5' } };
    expectConverged(await sync(gce, changed));
    await expectWorldMatches(world, desiredOf(changed), { othersExist: true });
    await untouched();

    expectConverged(await sync(gce, null));
    const after = await worldResources(world);
    expect(ownedBy(after, INSTANCE_ID), 'ours after delete').to.deep.equal([]);
    expect(after.map(keyOf).sort(), 'what is left').to.deep.equal([...foreignKeys].sort());
    await untouched();

    // No write ever addressed one of them, not even one that failed. (Writes name their target
    // at the end of the path; our own deletes show it.)
    const names = new Set(foreign.map((r) => r.name));
    const log = await calls(world);
    const target = (path: string) => path.split('?')[0]?.split('/').pop() ?? '';
    const writes = log.filter((c) => isWrite(c.method));
    expect(writes.filter((c) => c.method.endsWith('.delete')).map((c) => target(c.path))).to.include(
      desiredOf(changed).find((d) => d.kind === 'urlMaps')?.name,
    );
    const aimedAtThem = writes.filter((c) => names.has(target(c.path)));
    expect(aimedAtThem.map((c) => `${c.method} ${c.path}`)).to.deep.equal([]);
    expect(
      log.filter((c) => c.status >= 400),
      'failed calls',
    ).to.deep.equal([]);

    // The other instance finds its load balancer as it left it.
    await clearCalls(world);
    expectConverged(await sync(gceClient(world), scenario, { instanceId: OTHER_INSTANCE_ID }));
    expect(writeMethods(await calls(world))).to.deep.equal([]);
  });

  it('a name we need, held by someone else, is reported and the plan is not applied', async () => {
    await prepare(world, 5);
    const scenario: Scenario = { mode: 'neg' };
    const squatted = desiredOf(scenario).find((d) => d.kind === 'healthChecks');
    await done(
      world,
      world.api.healthChecks.insert({
        project: PROJECT,
        requestBody: { name: squatted?.name, type: 'HTTP', description: 'made by hand' },
      }),
    );
    const before = await worldResources(world);
    await clearCalls(world);

    const result = await sync(gceClient(world), scenario);

    expect(result.converged).to.equal(false);
    expect(result.plan.problems.map((p) => [p.code, p.kind, p.name])).to.deep.equal([
      ['NotOwned', 'healthChecks', squatted?.name],
    ]);
    expect(writeMethods(await calls(world)), 'writes').to.deep.equal([]);
    expect(changedFields(before, await worldResources(world))).to.deep.equal([]);
  });

  it('a name taken between observe and insert (409) is re-observed and reported, never overwritten', async () => {
    await prepare(world, 5);
    const base: Scenario = { mode: 'neg' };
    const gce = gceClient(world);
    expectConverged(await sync(gce, base));
    // Someone takes the name of the health check the next change needs; the cached
    // observation still says the name is free.
    const changed: Scenario = { ...base, defaultPort: 81 };
    const taken = desiredOf(changed).find(
      (d) => d.kind === 'healthChecks' && !desiredOf(base).some((b) => b.name === d.name),
    );
    await done(
      world,
      world.api.healthChecks.insert({ project: PROJECT, requestBody: { name: taken?.name, type: 'HTTP' } }),
    );
    const squatter = (await worldResources(world)).filter((r) => r.name === taken?.name);
    await clearCalls(world);

    const result = await sync(gce, changed);

    expect(result.converged).to.equal(false);
    expect(result.rounds, 'rounds').to.equal(2);
    expect(result.plan.problems.map((p) => [p.code, p.name])).to.deep.equal([['NotOwned', taken?.name]]);
    const inserts = (await calls(world)).filter((c) => c.method === 'compute.healthChecks.insert');
    expect(
      inserts.map((c) => c.status),
      'health-check inserts',
    ).to.deep.equal([409]);
    const now = (await worldResources(world)).filter((r) => r.name === taken?.name);
    expect(changedFields(squatter, now)).to.deep.equal([]);
  });

  for (const mode of ['neg', 'instance-group'] as const satisfies readonly BackendMode[]) {
    it(`${mode} mode: delete leaves none of ours and keeps the adopted static IP`, async () => {
      await prepare(world, 5);
      const scenario: Scenario = { mode, certificate: 'a', staticIp: STATIC_IP_NAME };
      const gce = gceClient(world);
      expectConverged(await sync(gce, scenario));
      const desired = desiredOf(scenario);
      const created = await expectWorldMatches(world, desired);
      const vip = (list: readonly WorldResource[]) =>
        list.find((r) => r.kind === 'addresses' && r.name === STATIC_IP_NAME);
      expect(vip(created)?.body.address).to.be.a('string');

      await clearCalls(world);
      const result = await sync(gce, null);

      expectConverged(result);
      const after = await worldResources(world);
      expect(ownedBy(after), 'ours after delete').to.deep.equal([]);
      expect(after.filter((r) => r.name.startsWith('mci2-')).map(keyOf)).to.deep.equal([]);
      // The same reservation, now unused again: only its status and users changed.
      expect(changedFields([vip(created) as WorldResource], [vip(after) as WorldResource])).to.deep.equal([
        `addresses/${STATIC_IP_NAME}.status`,
        `addresses/${STATIC_IP_NAME}.users`,
      ]);
      expect(vip(after)?.body.status).to.equal('RESERVED');
      // One delete per resource of ours, nothing else.
      expect(writeMethods(await calls(world))).to.deep.equal(
        desired
          .filter((d) => d.external !== true)
          .map((d) => insertMethod(d.kind).replace(/insert$/, 'delete'))
          .sort(),
      );

      await clearCalls(world);
      expectConverged(await sync(gceClient(world), null));
      expect(writeMethods(await calls(world)), 'writes of a second delete').to.deep.equal([]);
    });
  }
});
