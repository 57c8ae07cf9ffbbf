// §8 rows "Backend validation", "IG membership", "NEG endpoints", plus getHealth as the
// member-cluster simulator drives it.
import { expect } from 'chai';
import type { compute_v1 } from '@googleapis/compute';
import {
  PROJECT,
  ZONE,
  expectApiError,
  healthCheck,
  instanceGroup,
  neg,
  url,
  useEmulator,
} from './helpers.ts';

describe('emulator: backends, instance groups and NEGs', () => {
  const ctx = useEmulator();
  const insertBs = (
    backends: compute_v1.Schema$Backend[],
    name = 'bs',
    extra: compute_v1.Schema$BackendService = {},
  ) =>
    ctx.api.backendServices.insert({
      project: PROJECT,
      requestBody: { name, healthChecks: ['global/healthChecks/hc'], backends, ...extra },
    });

  beforeEach(() => healthCheck(ctx.api));

  describe('backend validation', () => {
    it('allows at most one health check', async () => {
      await healthCheck(ctx.api, 'hc2');
      await expectApiError(
        ctx.api.backendServices.insert({
          project: PROJECT,
          requestBody: { name: 'bs', healthChecks: ['global/healthChecks/hc', 'global/healthChecks/hc2'] },
        }),
        400,
        'invalid',
      );
    });

    it('requires a health check when there are backends', async () => {
      const group = await instanceGroup(ctx.gce, ctx.api);
      await expectApiError(
        ctx.api.backendServices.insert({
          project: PROJECT,
          requestBody: { name: 'bs', backends: [{ group }] },
        }),
        400,
        'invalid',
      );
    });

    it('refuses UTILIZATION (explicit or defaulted) on NEG backends and accepts RATE with maxRatePerEndpoint', async () => {
      const group = await neg(ctx.api);
      const err = await expectApiError(insertBs([{ group, balancingMode: 'UTILIZATION' }]), 400, 'invalid');
      expect(err.message).to.contain(
        'UTILIZATION balancing mode is not supported for network endpoint groups',
      );
      await expectApiError(insertBs([{ group }]), 400, 'invalid');
      await expectApiError(insertBs([{ group, balancingMode: 'RATE' }]), 400, 'invalid');
      await insertBs([{ group, balancingMode: 'RATE', maxRatePerEndpoint: 1 }]);
      const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data;
      expect(bs.backends?.[0]).to.deep.equal({
        group,
        balancingMode: 'RATE',
        maxRatePerEndpoint: 1,
        capacityScaler: 1,
      });
    });

    it('accepts capacityScaler 0 or 0.1..1.0 only, and 0 only when there is another backend', async () => {
      const a = await neg(ctx.api, 'neg-a');
      const b = await neg(ctx.api, 'neg-b');
      const rate = { balancingMode: 'RATE', maxRatePerEndpoint: 1 };
      for (const bad of [0.05, 1.5, -1]) {
        await expectApiError(insertBs([{ group: a, ...rate, capacityScaler: bad }]), 400, 'invalid');
      }
      await expectApiError(insertBs([{ group: a, ...rate, capacityScaler: 0 }]), 400, 'invalid');
      await insertBs([
        { group: a, ...rate, capacityScaler: 0 },
        { group: b, ...rate, capacityScaler: 0.1 },
      ]);
    });

    it('refuses duplicate groups, a mix of instance groups and NEGs, and more than 50 backends', async () => {
      const ig = await instanceGroup(ctx.gce, ctx.api);
      const n = await neg(ctx.api);
      const dup = await expectApiError(insertBs([{ group: ig }, { group: ig }]), 400, 'invalid');
      expect(dup.message).to.contain('Duplicate instance groups in backend service');
      await expectApiError(
        insertBs([{ group: ig }, { group: n, balancingMode: 'RATE', maxRatePerEndpoint: 1 }]),
        400,
        'invalid',
      );
      const many = Array.from({ length: 51 }, (_, i) => ({
        group: url(`zones/${ZONE}/networkEndpointGroups/n${i}`),
        balancingMode: 'RATE',
        maxRatePerEndpoint: 1,
      }));
      const tooMany = await expectApiError(insertBs(many), 400, 'invalid');
      expect(tooMany.message).to.contain('at most 50 backends');
    });

    it('keeps one balancing mode per instance group across backend services', async () => {
      const ig = await instanceGroup(ctx.gce, ctx.api);
      await insertBs([{ group: ig, balancingMode: 'RATE', maxRatePerInstance: 1 }], 'bs1', {
        portName: 'http',
      });
      await expectApiError(insertBs([{ group: ig, balancingMode: 'UTILIZATION' }], 'bs2'), 400, 'invalid');
      await insertBs([{ group: ig, balancingMode: 'RATE', maxRatePerInstance: 5 }], 'bs2');
    });

    it('refuses a VM in two load-balanced instance groups', async () => {
      const ig1 = await instanceGroup(ctx.gce, ctx.api, 'ig1', 'vm');
      await ctx.api.instanceGroups.insert({ project: PROJECT, zone: ZONE, requestBody: { name: 'ig2' } });
      await ctx.api.instanceGroups.addInstances({
        project: PROJECT,
        zone: ZONE,
        instanceGroup: 'ig2',
        requestBody: { instances: [{ instance: `zones/${ZONE}/instances/vm` }] },
      });
      await insertBs([{ group: ig1 }], 'bs1');
      const err = await expectApiError(
        insertBs([{ group: url(`zones/${ZONE}/instanceGroups/ig2`) }], 'bs2'),
        400,
        'instanceInMultipleLoadBalancedIgs',
      );
      expect(err.message).to.equal(
        `Validation failed for instance 'projects/${PROJECT}/zones/${ZONE}/instances/vm': instance may belong to at most one load-balanced instance group.`,
      );
    });

    it('lists usedBy on a backend service referenced by a URL map', async () => {
      await insertBs([]);
      await ctx.api.urlMaps.insert({
        project: PROJECT,
        requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
      });
      const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data;
      expect(bs.usedBy).to.deep.equal([{ reference: url('global/urlMaps/um') }]);
    });
  });

  describe('instance group membership', () => {
    it('adds VMs of the zone, refuses re-adding (memberAlreadyExists), lists and removes them', async () => {
      await instanceGroup(ctx.gce, ctx.api, 'ig', 'vm1');
      ctx.gce.addInstance({ zone: ZONE, name: 'vm2' });
      const add = (vm: string) =>
        ctx.api.instanceGroups.addInstances({
          project: PROJECT,
          zone: ZONE,
          instanceGroup: 'ig',
          requestBody: { instances: [{ instance: url(`zones/${ZONE}/instances/${vm}`) }] },
        });
      await add('vm2');
      const again = await expectApiError(add('vm1'), 400, 'memberAlreadyExists');
      expect(again.message).to.equal(
        `Resource 'projects/${PROJECT}/zones/${ZONE}/instances/vm1' is already a member of 'projects/${PROJECT}/zones/${ZONE}/instanceGroups/ig'.`,
      );
      await expectApiError(add('ghost'), 404, 'notFound');
      const listed = await ctx.api.instanceGroups.listInstances({
        project: PROJECT,
        zone: ZONE,
        instanceGroup: 'ig',
        requestBody: { instanceState: 'ALL' },
      });
      expect(listed.data.items?.map((i) => i.instance)).to.deep.equal([
        url(`zones/${ZONE}/instances/vm1`),
        url(`zones/${ZONE}/instances/vm2`),
      ]);
      expect(listed.data.items?.[0]).to.include({ status: 'RUNNING' });
      const filtered = await ctx.api.instanceGroups.listInstances({
        project: PROJECT,
        zone: ZONE,
        instanceGroup: 'ig',
        filter: 'instance eq .*vm2',
        requestBody: {},
      });
      expect(filtered.data.items).to.have.length(1);
      await expectApiError(
        ctx.api.instanceGroups.listInstances({
          project: PROJECT,
          zone: ZONE,
          instanceGroup: 'ig',
          filter: 'instance = x',
          requestBody: {},
        }),
        400,
        'invalid',
      );
      await ctx.api.instanceGroups.removeInstances({
        project: PROJECT,
        zone: ZONE,
        instanceGroup: 'ig',
        requestBody: { instances: [{ instance: url(`zones/${ZONE}/instances/vm1`) }] },
      });
      await expectApiError(
        ctx.api.instanceGroups.removeInstances({
          project: PROJECT,
          zone: ZONE,
          instanceGroup: 'ig',
          requestBody: { instances: [{ instance: url(`zones/${ZONE}/instances/vm1`) }] },
        }),
        400,
      );
      expect(
        (await ctx.api.instanceGroups.get({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' })).data.size,
      ).to.equal(1);
    });

    it('refuses a VM of another zone, and drops a deleted VM from its groups', async () => {
      await instanceGroup(ctx.gce, ctx.api, 'ig', 'vm1');
      ctx.gce.addInstance({ zone: 'us-central1-b', name: 'far' });
      await expectApiError(
        ctx.api.instanceGroups.addInstances({
          project: PROJECT,
          zone: ZONE,
          instanceGroup: 'ig',
          requestBody: { instances: [{ instance: url('zones/us-central1-b/instances/far') }] },
        }),
        400,
        'invalid',
      );
      await ctx.api.instances.delete({ project: PROJECT, zone: ZONE, instance: 'vm1' });
      expect(
        (await ctx.api.instanceGroups.get({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' })).data.size,
      ).to.equal(0);
    });
  });

  describe('NEG endpoints', () => {
    beforeEach(() => {
      ctx.gce.addInstance({
        zone: ZONE,
        name: 'node1',
        networkIP: '10.128.0.10',
        aliasIpRanges: ['10.4.1.0/24'],
      });
    });
    const attach = (endpoints: compute_v1.Schema$NetworkEndpoint[]) =>
      ctx.api.networkEndpointGroups.attachNetworkEndpoints({
        project: PROJECT,
        zone: ZONE,
        networkEndpointGroup: 'neg',
        requestBody: { networkEndpoints: endpoints },
      });

    it('attaches pod IPs of a VM, defaults the port, tracks size and lists endpoints', async () => {
      await neg(ctx.api);
      await attach([
        { instance: 'node1', ipAddress: '10.4.1.5', port: 9376 },
        { instance: 'node1', ipAddress: '10.4.1.6' },
      ]);
      const got = (
        await ctx.api.networkEndpointGroups.get({ project: PROJECT, zone: ZONE, networkEndpointGroup: 'neg' })
      ).data;
      expect(got).to.include({
        size: 2,
        networkEndpointType: 'GCE_VM_IP_PORT',
        defaultPort: 8080,
        network: url('global/networks/default'),
      });
      const listed = await ctx.api.networkEndpointGroups.listNetworkEndpoints({
        project: PROJECT,
        zone: ZONE,
        networkEndpointGroup: 'neg',
      });
      expect(listed.data.items?.map((i) => i.networkEndpoint)).to.deep.equal([
        { instance: 'node1', ipAddress: '10.4.1.5', port: 9376 },
        { instance: 'node1', ipAddress: '10.4.1.6', port: 8080 },
      ]);
      await ctx.api.networkEndpointGroups.detachNetworkEndpoints({
        project: PROJECT,
        zone: ZONE,
        networkEndpointGroup: 'neg',
        requestBody: { networkEndpoints: [{ instance: 'node1', ipAddress: '10.4.1.5', port: 9376 }] },
      });
      expect(
        (
          await ctx.api.networkEndpointGroups.get({
            project: PROJECT,
            zone: ZONE,
            networkEndpointGroup: 'neg',
          })
        ).data.size,
      ).to.equal(1);
    });

    it("refuses an IP that is not the VM's, and an unknown VM", async () => {
      await neg(ctx.api);
      const err = await expectApiError(
        attach([{ instance: 'node1', ipAddress: '10.9.9.9', port: 80 }]),
        400,
        'invalid',
      );
      expect(err.message).to.contain(
        "Specified IP address 10.9.9.9 doesn't belong to the (sub)network default or to the instance node1.",
      );
      await expectApiError(attach([{ instance: 'ghost', ipAddress: '10.4.1.5', port: 80 }]), 404, 'notFound');
    });

    it('holds at most 10,000 endpoints', async () => {
      await neg(ctx.api);
      ctx.gce.addInstance({ zone: ZONE, name: 'big', aliasIpRanges: ['10.8.0.0/16'] });
      const endpoints = Array.from({ length: 10_001 }, (_, i) => ({
        instance: 'big',
        ipAddress: `10.8.${i >> 8}.${i & 255}`,
        port: 80,
      }));
      const err = await expectApiError(attach(endpoints), 400, 'invalid');
      expect(err.message).to.contain('at most 10000 endpoints');
    });

    it('reports health set by the simulator through getHealth and listNetworkEndpoints', async () => {
      const group = await neg(ctx.api);
      await attach([
        { instance: 'node1', ipAddress: '10.4.1.5' },
        { instance: 'node1', ipAddress: '10.4.1.6' },
      ]);
      await insertBs([{ group, balancingMode: 'RATE', maxRatePerEndpoint: 1 }]);
      ctx.gce.setEndpointHealth(ZONE, 'neg', '10.4.1.6', 8080, 'UNHEALTHY');
      const health = await ctx.api.backendServices.getHealth({
        project: PROJECT,
        backendService: 'bs',
        requestBody: { group },
      });
      expect(health.data.kind).to.equal('compute#backendServiceGroupHealth');
      expect(health.data.healthStatus?.map((h) => [h.ipAddress, h.port, h.healthState])).to.deep.equal([
        ['10.4.1.5', 8080, 'HEALTHY'],
        ['10.4.1.6', 8080, 'UNHEALTHY'],
      ]);
      const listed = await ctx.api.networkEndpointGroups.listNetworkEndpoints({
        project: PROJECT,
        zone: ZONE,
        networkEndpointGroup: 'neg',
        requestBody: { healthStatus: 'SHOW' },
      });
      expect(listed.data.items?.[1]?.healths).to.deep.equal([
        {
          backendService: { backendService: url('global/backendServices/bs') },
          healthCheck: { healthCheck: url('global/healthChecks/hc') },
          healthState: 'UNHEALTHY',
        },
      ]);
    });

    it('reports instance-group health per VM on the named port, and refuses a group that is not a backend', async () => {
      const group = await instanceGroup(ctx.gce, ctx.api, 'ig', 'vm1');
      await insertBs([{ group }], 'bs', { portName: 'http' });
      ctx.gce.setInstanceHealth(ZONE, 'vm1', 'UNHEALTHY');
      const health = await ctx.api.backendServices.getHealth({
        project: PROJECT,
        backendService: 'bs',
        requestBody: { group },
      });
      expect(health.data.healthStatus?.[0]).to.include({
        port: 30080,
        healthState: 'UNHEALTHY',
        instance: url(`zones/${ZONE}/instances/vm1`),
      });
      const other = await neg(ctx.api);
      await expectApiError(
        ctx.api.backendServices.getHealth({
          project: PROJECT,
          backendService: 'bs',
          requestBody: { group: other },
        }),
        400,
        'invalid',
      );
    });
  });
});
