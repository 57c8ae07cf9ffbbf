import { expect } from 'chai';
import { frontendNames } from '../../../src/naming/gce-names.ts';
import type { BackendMode } from '../../../src/model/translate.ts';
import {
  INGRESS,
  INSTANCE_ID,
  STATIC_IP_NAME,
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

interface Row {
  readonly change: string;
  readonly apply: (base: Scenario) => Scenario;
  /** The only writes the change may make, one entry per call. */
  readonly writes: readonly string[];
}

/** One change at a time to the HTTPS load balancer, and the writes each one is allowed. */
const ROWS: readonly Row[] = [
  {
    change: 'a path',
    apply: (s) => ({ ...s, path: '/v2/api' }),
    writes: methods(['urlMaps.update', 1]),
  },
  {
    change: 'a host',
    apply: (s) => ({ ...s, host: 'www.example.com' }),
    writes: methods(['urlMaps.update', 1]),
  },
  {
    // A new port is a new backend: its health check and backend service are made, the URL map
    // repointed, the old pair deleted, and the firewall opened to the new port instead.
    change: 'a backend port',
    apply: (s) => ({ ...s, defaultPort: 81 }),
    writes: methods(
      ['healthChecks.insert', 1],
      ['backendServices.insert', 1],
      ['urlMaps.update', 1],
      ['backendServices.delete', 1],
      ['healthChecks.delete', 1],
      ['firewalls.update', 1],
    ),
  },
  {
    change: 'a certificate',
    apply: (s) => ({ ...s, certificate: 'b' }),
    writes: methods(
      ['sslCertificates.insert', 1],
      ['targetHttpsProxies.setSslCertificates', 1],
      ['sslCertificates.delete', 1],
    ),
  },
  {
    change: 'allow-http "false"',
    apply: (s) => ({ ...s, allowHttp: false }),
    writes: methods(['globalForwardingRules.delete', 1], ['targetHttpProxies.delete', 1]),
  },
  {
    change: "a cluster's capacity",
    apply: (s) => ({ ...s, capacity: { eu: '0.5' } }),
    writes: methods(['backendServices.patch', 2]),
  },
  {
    // The VIP moves to the user's address: both rules are recreated on it, ours is released.
    change: 'a static IP name',
    apply: (s) => ({ ...s, staticIp: STATIC_IP_NAME }),
    writes: methods(
      ['globalForwardingRules.delete', 2],
      ['globalForwardingRules.insert', 2],
      ['globalAddresses.delete', 1],
    ),
  },
];

describe('load-balancer core: single changes', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  for (const mode of ['neg', 'instance-group'] as const satisfies readonly BackendMode[]) {
    describe(`${mode} mode`, () => {
      const base: Scenario = { mode, certificate: 'a' };
      for (const row of ROWS) {
        const allowed = [...new Set(row.writes)].map((m) => m.replace(/^compute\./, ''));
        it(`${row.change}: writes only ${allowed.join(', ')}`, async () => {
          await prepare(world, 5);
          const gce = gceClient(world);
          expectConverged(await sync(gce, base));
          await clearCalls(world);

          const changed = row.apply(base);
          const result = await sync(gce, changed);

          expectConverged(result);
          const log = await calls(world);
          expect(
            log.filter((c) => c.status >= 400),
            'failed calls',
          ).to.deep.equal([]);
          expect(writeMethods(log)).to.deep.equal(row.writes);
          await expectWorldMatches(world, desiredOf(changed));

          // A controller that trusts nothing it cached finds GCE already as desired.
          await clearCalls(world);
          expectConverged(await sync(gceClient(world), changed));
          expect(writeMethods(await calls(world)), 'writes of the next sync').to.deep.equal([]);
        });
      }

      it('a static IP name: the rules hold the reserved address and it survives', async () => {
        await prepare(world, 5);
        const gce = gceClient(world);
        expectConverged(await sync(gce, { ...base, staticIp: STATIC_IP_NAME }));
        const resources = await worldResources(world);
        const vip = resources.find((r) => r.kind === 'addresses' && r.name === STATIC_IP_NAME);
        const ours = frontendNames({ instanceId: INSTANCE_ID, ...INGRESS }).address;
        expect(vip?.body.address).to.be.a('string');
        expect(resources.some((r) => r.kind === 'addresses' && r.name === ours)).to.equal(false);
        const rules = resources.filter((r) => r.kind === 'globalForwardingRules');
        expect(rules.map((r) => r.body.IPAddress)).to.deep.equal([vip?.body.address, vip?.body.address]);
      });
    });
  }
});
