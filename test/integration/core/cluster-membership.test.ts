import { expect } from 'chai';
import type { BackendMode } from '../../../src/model/translate.ts';
import {
  MEMBERS,
  changedFields,
  calls,
  clearCalls,
  desiredOf,
  expectConverged,
  expectWorldMatches,
  gceClient,
  methods,
  prepare,
  startWorld,
  sync,
  worldResources,
  writeMethods,
} from './harness.ts';
import type { Scenario, World } from './harness.ts';

/** A cluster joining or leaving touches the backends of each backend service and the firewall. */
const MEMBERSHIP_WRITES = methods(['backendServices.patch', 2], ['firewalls.update', 1]);

describe('load-balancer core: clusters joining and leaving', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  for (const mode of ['neg', 'instance-group'] as const satisfies readonly BackendMode[]) {
    it(`${mode} mode: writes only backend services' backends and the firewall rule`, async () => {
      await prepare(world, 5);
      const gce = gceClient(world);
      const usOnly: Scenario = { mode, certificate: 'a', enabled: ['us'] };
      const both: Scenario = { ...usOnly, enabled: ['us', 'eu'] };
      expectConverged(await sync(gce, usOnly));
      const zonesOf = async () =>
        (await worldResources(world))
          .filter((r) => r.kind === 'backendServices')
          .map((r) => (r.body.backends as { group: string }[]).map((b) => b.group.split('/')[8]).sort());
      const tags = async () =>
        (await worldResources(world)).find((r) => r.kind === 'firewalls')?.body.targetTags as string[];
      const us = MEMBERS[0]?.zones ?? [];
      const all = MEMBERS.flatMap((m) => m.zones).sort();
      expect(await zonesOf()).to.deep.equal([us, us]);

      // Exactly these fields change, in the whole world: the backends, the firewall's targets.
      const expectedChanges = (await worldResources(world))
        .filter((r) => r.kind === 'backendServices' || r.kind === 'firewalls')
        .map((r) => `${r.kind}/${r.name}.${r.kind === 'firewalls' ? 'targetTags' : 'backends'}`)
        .sort();
      expect(expectedChanges).to.have.length(3);

      let snapshot = await worldResources(world);
      await clearCalls(world);
      expectConverged(await sync(gce, both));
      expect(writeMethods(await calls(world)), 'writes when eu joins').to.deep.equal(MEMBERSHIP_WRITES);
      expect(changedFields(snapshot, await worldResources(world))).to.deep.equal(expectedChanges);
      await expectWorldMatches(world, desiredOf(both));
      expect(await zonesOf()).to.deep.equal([all, all]);
      expect(await tags()).to.have.members(['gke-us-node', 'gke-eu-node']);

      snapshot = await worldResources(world);
      await clearCalls(world);
      expectConverged(await sync(gce, usOnly));
      expect(writeMethods(await calls(world)), 'writes when eu leaves').to.deep.equal(MEMBERSHIP_WRITES);
      expect(changedFields(snapshot, await worldResources(world))).to.deep.equal(expectedChanges);
      await expectWorldMatches(world, desiredOf(usOnly));
      expect(await zonesOf()).to.deep.equal([us, us]);
      expect(await tags()).to.deep.equal(['gke-us-node']);
    });
  }
});
