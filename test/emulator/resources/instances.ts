/**
 * VM instances, only as far as load balancing needs them: a name, a zone, network interfaces with
 * a primary IP from the region's default subnet and optional alias ranges (pod IPs), and network
 * tags. They are what instance groups hold and what NEG endpoints must belong to. Deleting a VM
 * removes it from its instance groups and NEGs, as GCE does.
 */
import type { Core, Handler } from '../core.ts';
import { invalidField } from '../errors.ts';
import { cidrContains, ipToInt, isCidr, regionOf } from '../ip.ts';
import type { Json } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { fingerprint } from '../store.ts';
import { stripBase } from './backend-services.ts';
import { aggregatedList, crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

/** Every IP (primary or alias range) of a VM record. */
export function instanceOwnsIp(vm: ResourceRecord, ip: string): boolean {
  for (const nic of (vm.body.networkInterfaces ?? []) as Json[]) {
    if (nic.networkIP === ip) return true;
    for (const alias of (nic.aliasIpRanges ?? []) as Json[]) {
      if (typeof alias.ipCidrRange === 'string' && cidrContains(alias.ipCidrRange, ip)) return true;
    }
  }
  return false;
}

/** The network URL of a VM's first interface. */
export function instanceNetwork(vm: ResourceRecord): string | undefined {
  return ((vm.body.networkInterfaces ?? []) as Json[])[0]?.network as string | undefined;
}

function ipInUse(core: Core, ip: string): boolean {
  return core.store
    .listAcrossScopes(core.config.project, 'instances')
    .some((vm) => ((vm.body.networkInterfaces ?? []) as Json[]).some((n) => n.networkIP === ip));
}

/** The instances kind. */
export const instances: KindSpec = {
  resource: 'instances',
  collection: 'instances',
  scope: 'zone',
  kind: 'compute#instance',
  schema: 'Instance',
  snakeType: 'instance',
  quotaMetric: 'INSTANCES',
  fingerprint: false,
  build(input, ctx) {
    const core = ctx.core;
    const zone = ctx.scope.kind === 'zone' ? ctx.scope.zone : '';
    const region = regionOf(zone);
    const body: Json = { ...input };
    const machineType = typeof input.machineType === 'string' ? input.machineType : 'e2-medium';
    body.machineType = machineType.includes('/')
      ? core.link(stripBase(machineType))
      : core.link(`projects/${ctx.project}/zones/${zone}/machineTypes/${machineType}`);
    const nics =
      ((input.networkInterfaces ?? [{}]) as Json[]).length > 0
        ? ((input.networkInterfaces ?? [{}]) as Json[])
        : [{}];
    body.networkInterfaces = nics.map((nic, i) => {
      const field = `resource.networkInterfaces[${i}]`;
      const network = core.resolve(`${field}.network`, nic.network ?? 'global/networks/default', {
        collections: ['networks'],
        project: ctx.project,
      });
      const ip =
        (nic.networkIP as string | undefined) ??
        core.ips.allocate(`region:${region}`, (x) => ipInUse(core, x));
      if (ipToInt(ip) === undefined) throw invalidField(`${field}.networkIP`, ip, 'Must be an IPv4 address.');
      ((nic.aliasIpRanges ?? []) as Json[]).forEach((a, j) => {
        if (typeof a.ipCidrRange !== 'string' || !isCidr(a.ipCidrRange)) {
          throw invalidField(
            `${field}.aliasIpRanges[${j}].ipCidrRange`,
            a.ipCidrRange,
            'Invalid IPv4 CIDR range.',
          );
        }
      });
      return {
        kind: 'compute#networkInterface',
        ...nic,
        name: `nic${i}`,
        network: core.link(network.path),
        subnetwork:
          (nic.subnetwork as string | undefined) ??
          core.link(`projects/${ctx.project}/regions/${region}/subnetworks/default`),
        networkIP: ip,
      };
    });
    const tags = ((input.tags as Json | undefined)?.items ?? []) as unknown[];
    body.tags = {
      ...(tags.length > 0 ? { items: tags } : {}),
      fingerprint: fingerprint(ctx.path, tags.length, 'tags'),
    };
    body.status = 'RUNNING';
    body.cpuPlatform = 'Intel Broadwell';
    return { body };
  },
  references: (body) => ((body.networkInterfaces ?? []) as Json[]).map((n) => stripBase(String(n.network))),
  afterDelete(record, core) {
    for (const group of core.store.listAcrossScopes(record.project, 'instanceGroups')) {
      const members = (group.aux.members ?? []) as string[];
      if (members.includes(record.path))
        group.aux = { ...group.aux, members: members.filter((m) => m !== record.path) };
    }
    for (const neg of core.store.listAcrossScopes(record.project, 'networkEndpointGroups')) {
      if (neg.scope.kind !== 'zone' || record.scope.kind !== 'zone' || neg.scope.zone !== record.scope.zone)
        continue;
      const endpoints = (neg.aux.endpoints ?? []) as Json[];
      const kept = endpoints.filter((e) => e.instance !== record.name);
      if (kept.length !== endpoints.length) neg.aux = { ...neg.aux, endpoints: kept };
    }
    core.health.setInstance(record.path, undefined);
  },
};

/** `compute.instances.*`. */
export const instanceHandlers: Record<string, Handler> = {
  ...crudHandlers(instances, ['insert', 'get', 'list', 'delete'], () => false),
  'compute.instances.aggregatedList': aggregatedList(instances),
};
