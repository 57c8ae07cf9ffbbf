import { expect } from 'chai';
import type { BackendMode } from '../../../src/model/translate.ts';
import { backendServiceName, frontendNames } from '../../../src/naming/gce-names.ts';
import {
  BASE,
  INGRESS,
  INSTANCE_ID,
  MEMBERS,
  PROJECT,
  calls,
  clearCalls,
  desiredOf,
  expectConverged,
  expectWorldMatches,
  gceClient,
  insertMethod,
  instanceGroupName,
  negName,
  ownedKeys,
  prepare,
  startWorld,
  sync,
  writeMethods,
} from './harness.ts';
import type { Scenario, World, WorldResource } from './harness.ts';

const owner = { instanceId: INSTANCE_ID, ...INGRESS };
const names = frontendNames(owner);

/** The groups every member contributes to the backend service of `service` port `port`. */
function expectedGroups(mode: BackendMode, service: string, port: number): string[] {
  return MEMBERS.flatMap((m) =>
    m.zones.map((zone) =>
      mode === 'neg'
        ? `${BASE}projects/${PROJECT}/zones/${zone}/networkEndpointGroups/${negName(m.name, service, port)}`
        : `${BASE}projects/${PROJECT}/zones/${zone}/instanceGroups/${instanceGroupName(m.name)}`,
    ),
  ).sort();
}

function find(resources: readonly WorldResource[], kind: string, name: string): WorldResource {
  const found = resources.find((r) => r.kind === kind && r.name === name);
  expect(found, `${kind}/${name} in the emulator`).to.not.equal(undefined);
  return found as WorldResource;
}

describe('load-balancer core: a fresh load balancer', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  const cases: { title: string; scenario: Scenario }[] = [
    { title: 'neg, HTTP', scenario: { mode: 'neg' } },
    { title: 'neg, HTTPS', scenario: { mode: 'neg', certificate: 'a' } },
    { title: 'instance-group, HTTP', scenario: { mode: 'instance-group' } },
    { title: 'instance-group, HTTPS', scenario: { mode: 'instance-group', certificate: 'a' } },
  ];

  for (const { title, scenario } of cases) {
    describe(title, () => {
      it('converges to exactly the desired resources, one insert each', async () => {
        await prepare(world, 5);
        const gce = gceClient(world);
        const desired = desiredOf(scenario);

        const result = await sync(gce, scenario);

        expectConverged(result);
        expect(result.rounds).to.equal(1);
        const resources = await expectWorldMatches(world, desired);
        const log = await calls(world);
        expect(
          log.filter((c) => c.status >= 400),
          'failed calls',
        ).to.deep.equal([]);
        expect(writeMethods(log)).to.deep.equal(
          desired
            .filter((d) => d.external !== true)
            .map((d) => insertMethod(d.kind))
            .sort(),
        );

        // The graph is wired as translate meant: both members' groups behind each backend
        // service, the VIP on every forwarding rule, the firewall open to both members' nodes.
        for (const [service, port] of [
          ['web', 80],
          ['api', 8080],
        ] as const) {
          const bs = find(resources, 'backendServices', backendServiceName(owner, { service, port }));
          const groups = (bs.body.backends as { group: string }[]).map((b) => b.group).sort();
          expect(groups, `${service}:${port} groups`).to.deep.equal(
            expectedGroups(scenario.mode, service, port),
          );
        }
        const vip = find(resources, 'addresses', names.address).body.address;
        const rules = resources.filter((r) => r.kind === 'globalForwardingRules');
        expect(rules.map((r) => [r.body.IPAddress, r.body.portRange])).to.have.deep.members(
          scenario.certificate === undefined
            ? [[vip, '80-80']]
            : [
                [vip, '80-80'],
                [vip, '443-443'],
              ],
        );
        const firewall = resources.find((r) => r.kind === 'firewalls');
        expect(firewall?.body.targetTags).to.have.members(MEMBERS.flatMap((m) => m.nodeTags));
        if (scenario.certificate !== undefined) {
          const proxy = find(resources, 'targetHttpsProxies', names.targetHttpsProxy);
          const certs = resources.filter((r) => r.kind === 'sslCertificates').map((r) => r.body.selfLink);
          expect(proxy.body.sslCertificates).to.deep.equal(certs);
        }
      });

      it('makes zero writes when synced again, and reads by the page, not per resource', async () => {
        await prepare(world, 5);
        const gce = gceClient(world);
        expectConverged(await sync(gce, scenario));
        const desired = desiredOf(scenario);

        await clearCalls(world);
        expectConverged(await sync(gce, scenario));
        const cached = await calls(world);
        expect(writeMethods(cached), 'writes of a cached resync').to.deep.equal([]);
        expect(
          cached.filter((c) => c.method.endsWith('.list')),
          'lists of a cached resync',
        ).to.deep.equal([]);

        await clearCalls(world);
        const refreshed = await sync(gce, scenario, { refresh: true });
        expectConverged(refreshed);
        expect(refreshed.plan.steps.filter((s) => s.op !== 'nothing')).to.deep.equal([]);
        const log = await calls(world);
        expect(writeMethods(log), 'writes of a refreshing resync').to.deep.equal([]);
        // One page per kind lists every resource; nothing is read one by one.
        expect(log.map((c) => c.method).sort()).to.deep.equal(
          [
            'globalAddresses',
            'healthChecks',
            'sslCertificates',
            'firewalls',
            'backendServices',
            'urlMaps',
            'targetHttpProxies',
            'targetHttpsProxies',
            'globalForwardingRules',
          ]
            .map((c) => `compute.${c}.list`)
            .sort(),
        );

        // A restarted controller (a new client, nothing cached) agrees.
        await clearCalls(world);
        expectConverged(await sync(gceClient(world), scenario));
        expect(writeMethods(await calls(world)), 'writes after a restart').to.deep.equal([]);
        await expectWorldMatches(world, desired);
        expect(ownedKeys(desired).length).to.be.greaterThan(8);
      });
    });
  }
});
