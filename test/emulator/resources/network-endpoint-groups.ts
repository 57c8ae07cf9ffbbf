/**
 * Zonal network endpoint groups (GCE_VM_IP_PORT, as container-native load balancing uses them).
 * Endpoints name a VM of the NEG's zone and network and an IP that is the VM's primary IP or lies
 * in one of its alias ranges; the port defaults to `defaultPort`. At most 10,000 endpoints per
 * NEG. Attaching an endpoint already attached and detaching an absent one are accepted silently
 * (GCE's behaviour there is not documented). `listNetworkEndpoints` reports health per backend
 * service when asked with healthStatus SHOW. NEGs are immutable.
 */
import type { ApiCall, Core, Handler } from '../core.ts';
import { invalidField, notFound } from '../errors.ts';
import { ipToInt } from '../ip.ts';
import { parseReference } from '../links.ts';
import { paginate } from '../paging.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { stripBase } from './backend-services.ts';
import { aggregatedList, crudHandlers, findRecord, queryOf } from './crud.ts';
import { instanceNetwork, instanceOwnsIp } from './instances.ts';
import type { KindSpec } from './kind.ts';

/** Endpoints per GCE_VM_IP_PORT zonal NEG (a hard limit of GCE). */
export const MAX_ENDPOINTS = 10_000;
const TYPES = new Set(['GCE_VM_IP_PORT', 'GCE_VM_IP']);

/** The networkEndpointGroups kind. */
export const networkEndpointGroups: KindSpec = {
  resource: 'networkEndpointGroups',
  collection: 'networkEndpointGroups',
  scope: 'zone',
  kind: 'compute#networkEndpointGroup',
  schema: 'NetworkEndpointGroup',
  snakeType: 'network_endpoint_group',
  quotaMetric: 'NETWORK_ENDPOINT_GROUPS',
  fingerprint: false,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = { ...input };
    body.networkEndpointType ??= 'GCE_VM_IP_PORT';
    if (!TYPES.has(body.networkEndpointType as string)) {
      throw invalidField(
        'resource.networkEndpointType',
        body.networkEndpointType,
        'Only GCE_VM_IP_PORT and GCE_VM_IP zonal NEGs are supported.',
      );
    }
    if (body.defaultPort !== undefined) {
      if (body.networkEndpointType === 'GCE_VM_IP')
        throw invalidField('resource.defaultPort', body.defaultPort, 'GCE_VM_IP NEGs take no port.');
      const p = body.defaultPort as number;
      if (!(Number.isInteger(p) && p >= 1 && p <= 65535))
        throw invalidField('resource.defaultPort', p, 'Must be between 1 and 65535.');
    }
    body.network = core.link(
      core.resolve('resource.network', input.network ?? 'global/networks/default', {
        collections: ['networks'],
        project: ctx.project,
      }).path,
    );
    if (typeof input.subnetwork === 'string') body.subnetwork = core.link(stripBase(input.subnetwork));
    return { body, aux: { endpoints: [] } };
  },
  references: (body) => [stripBase(String(body.network))],
  present(record) {
    return { ...record.body, size: ((record.aux.endpoints ?? []) as unknown[]).length };
  },
};

function endpointKey(e: Json): string {
  return `${String(e.instance)}|${String(e.ipAddress)}|${String(e.port ?? '')}`;
}

/** Validates request endpoints against the VM inventory and fills in IP and port defaults. */
function resolveEndpoints(core: Core, neg: ResourceRecord, raw: unknown, strict: boolean): Json[] {
  const zone = neg.scope.kind === 'zone' ? neg.scope.zone : '';
  const withPort = neg.body.networkEndpointType === 'GCE_VM_IP_PORT';
  return ((raw ?? []) as Json[]).map((e, i) => {
    const field = `request.networkEndpoints[${i}]`;
    if (typeof e.instance !== 'string' || e.instance === '')
      throw invalidField(`${field}.instance`, e.instance, 'An instance is required.');
    const ref = parseReference(e.instance, {
      project: neg.project,
      collection: 'instances',
      scope: neg.scope,
    });
    if (!ref || ref.collection !== 'instances')
      throw invalidField(`${field}.instance`, e.instance, 'The URL is malformed.');
    if (ref.scope.kind !== 'zone' || ref.scope.zone !== zone) {
      throw invalidField(
        `${field}.instance`,
        e.instance,
        'The instance must be in the zone of the network endpoint group.',
      );
    }
    const path = `projects/${neg.project}/zones/${zone}/instances/${ref.name}`;
    const vm = core.store.getByPath(path);
    if (strict && !vm) throw notFound(path);
    const out: Json = { ...e, instance: ref.name };
    if (vm) out.ipAddress ??= ((vm.body.networkInterfaces ?? []) as Json[])[0]?.networkIP;
    if (typeof out.ipAddress !== 'string' || ipToInt(out.ipAddress) === undefined) {
      throw invalidField(`${field}.ipAddress`, out.ipAddress, 'Must be an IPv4 address.');
    }
    if (strict && vm && (!instanceOwnsIp(vm, out.ipAddress) || instanceNetwork(vm) !== neg.body.network)) {
      const network = String(neg.body.network).split('/').pop();
      throw invalidField(
        `${field}.ipAddress`,
        out.ipAddress,
        `Specified IP address ${out.ipAddress} doesn't belong to the (sub)network ${String(network)} or to the instance ${ref.name}.`,
      );
    }
    if (withPort) {
      out.port ??= neg.body.defaultPort;
      const p = out.port as number;
      if (!(Number.isInteger(p) && p >= 1 && p <= 65535))
        throw invalidField(`${field}.port`, out.port ?? '', 'A port between 1 and 65535 is required.');
    } else if (out.port !== undefined) {
      throw invalidField(`${field}.port`, out.port, 'GCE_VM_IP endpoints take no port.');
    }
    return out;
  });
}

function mutateEndpoints(call: ApiCall, core: Core, neg: ResourceRecord, type: string, endpoints: Json[]) {
  const aux = { ...neg.aux, endpoints };
  return core.mutate(
    call,
    neg,
    type,
    { body: neg.body, aux },
    {
      commit: () => {
        neg.aux = aux;
      },
    },
  );
}

const attach: Handler = (call, core) => {
  const neg = findRecord(core, networkEndpointGroups, call);
  core.assertIdle(neg);
  const input = checkBody(
    'NetworkEndpointGroupsAttachEndpointsRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  const adding = resolveEndpoints(core, neg, input.networkEndpoints, true);
  const current = (neg.aux.endpoints ?? []) as Json[];
  const keys = new Set(current.map(endpointKey));
  const next = [...current];
  for (const e of adding) {
    if (keys.has(endpointKey(e))) continue;
    keys.add(endpointKey(e));
    next.push(e);
  }
  if (next.length > MAX_ENDPOINTS) {
    throw invalidField(
      'request.networkEndpoints',
      '',
      `A network endpoint group can have at most ${MAX_ENDPOINTS} endpoints.`,
    );
  }
  return mutateEndpoints(call, core, neg, 'attachNetworkEndpoints', next);
};

const detach: Handler = (call, core) => {
  const neg = findRecord(core, networkEndpointGroups, call);
  core.assertIdle(neg);
  const input = checkBody(
    'NetworkEndpointGroupsDetachEndpointsRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  const removing = new Set(resolveEndpoints(core, neg, input.networkEndpoints, false).map(endpointKey));
  const next = ((neg.aux.endpoints ?? []) as Json[]).filter((e) => !removing.has(endpointKey(e)));
  return mutateEndpoints(call, core, neg, 'detachNetworkEndpoints', next);
};

const listEndpoints: Handler = (call, core) => {
  const neg = findRecord(core, networkEndpointGroups, call);
  const input = checkBody(
    'NetworkEndpointGroupsListEndpointsRequest',
    call.body ?? {},
    core.config.rejectUnknownFields,
    'request',
  );
  const show = input.healthStatus === 'SHOW';
  const negLink = core.link(neg.path);
  const services = core.store
    .listAcrossScopes(neg.project, 'backendServices')
    .filter((bs) => ((bs.body.backends ?? []) as Json[]).some((b) => b.group === negLink));
  const zone = neg.scope.kind === 'zone' ? neg.scope.zone : '';
  const items = ((neg.aux.endpoints ?? []) as Json[]).map((e) => {
    const item: Json = { networkEndpoint: { ...e } };
    if (show) {
      const instancePath = `projects/${neg.project}/zones/${zone}/instances/${String(e.instance)}`;
      item.healths = services.map((bs) => ({
        backendService: { backendService: core.link(bs.path) },
        healthCheck: { healthCheck: ((bs.body.healthChecks ?? []) as string[])[0] },
        healthState:
          core.health.endpoint(neg.path, String(e.ipAddress), e.port as number, instancePath) ??
          core.config.defaultHealthState,
      }));
    }
    return item;
  });
  const page = paginate(items, queryOf(call), (x) => x);
  const body: Json = { kind: 'compute#networkEndpointGroupsListNetworkEndpoints' };
  if (page.items.length > 0) body.items = page.items;
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  return { status: 200, body };
};

/** `compute.networkEndpointGroups.*`. */
export const networkEndpointGroupHandlers: Record<string, Handler> = {
  ...crudHandlers(networkEndpointGroups, ['insert', 'get', 'list', 'delete']),
  'compute.networkEndpointGroups.attachNetworkEndpoints': attach,
  'compute.networkEndpointGroups.detachNetworkEndpoints': detach,
  'compute.networkEndpointGroups.listNetworkEndpoints': listEndpoints,
  'compute.networkEndpointGroups.aggregatedList': aggregatedList(networkEndpointGroups),
};
