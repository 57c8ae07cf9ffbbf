/**
 * Zonal unmanaged instance groups: named ports (replaced whole by `setNamedPorts`, whose optional
 * fingerprint is checked), membership through `addInstances` / `removeInstances` (members must be
 * VMs of the same zone and network; re-adding is 400 memberAlreadyExists; a VM may be in only one
 * load-balanced group), and `listInstances`, which accepts only eq/ne filters. `size` and
 * `network` follow the members. Mutations return zonal operations.
 */
import type { ApiCall, Core, Handler } from '../core.ts';
import { ComputeError, invalidField, staleFingerprint } from '../errors.ts';
import { parseReference, resourcePath } from '../links.ts';
import { isValidName } from '../names.ts';
import { paginate } from '../paging.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { sameFingerprint } from '../store.ts';
import { loadBalancedGroups, multipleLbGroupsError } from './backend-services.ts';
import { aggregatedList, crudHandlers, findRecord, queryOf, replaceBody, writable } from './crud.ts';
import { instanceNetwork } from './instances.ts';
import type { KindSpec } from './kind.ts';

function checkNamedPorts(field: string, ports: unknown): Json[] {
  const list = (ports ?? []) as Json[];
  list.forEach((p, i) => {
    if (!isValidName(p.name)) throw invalidField(`${field}[${i}].name`, p.name, 'Invalid named port name.');
    const port = p.port as number;
    if (!(Number.isInteger(port) && port >= 1 && port <= 65535))
      throw invalidField(`${field}[${i}].port`, port, 'Must be between 1 and 65535.');
  });
  return list;
}

/** The instanceGroups kind. */
export const instanceGroups: KindSpec = {
  resource: 'instanceGroups',
  collection: 'instanceGroups',
  scope: 'zone',
  kind: 'compute#instanceGroup',
  schema: 'InstanceGroup',
  snakeType: 'instance_group',
  quotaMetric: 'INSTANCE_GROUPS',
  fingerprint: true,
  build(input) {
    const body: Json = { ...input };
    const ports = checkNamedPorts('resource.namedPorts', input.namedPorts);
    if (ports.length === 0) delete body.namedPorts;
    return { body, aux: { members: [] } };
  },
  present(record, core) {
    const members = (record.aux.members ?? []) as string[];
    const first = members.map((m) => core.store.getByPath(m)).find((vm) => vm !== undefined);
    const body: Json = { ...record.body, size: members.length };
    const nic = ((first?.body.networkInterfaces ?? []) as Json[])[0];
    if (nic) {
      body.network = nic.network;
      body.subnetwork = nic.subnetwork;
    }
    return body;
  },
};

function memberPaths(core: Core, group: ResourceRecord, field: string, refs: unknown): string[] {
  return ((refs ?? []) as Json[]).map((r, i) => {
    const parsed =
      typeof r.instance === 'string'
        ? parseReference(r.instance, { project: group.project, collection: 'instances', scope: group.scope })
        : undefined;
    if (!parsed || parsed.collection !== 'instances')
      throw invalidField(`${field}[${i}].instance`, r.instance, 'The URL is malformed.');
    return resourcePath(parsed);
  });
}

function groupZone(group: ResourceRecord): string {
  return group.scope.kind === 'zone' ? group.scope.zone : '';
}

const addInstances: Handler = (call, core) => {
  const group = findRecord(core, instanceGroups, call);
  core.assertIdle(group);
  const input = checkBody(
    'InstanceGroupsAddInstancesRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  const members = [...((group.aux.members ?? []) as string[])];
  const paths = memberPaths(core, group, 'request.instances', input.instances);
  let network = members.map((m) => core.store.getByPath(m)).find((vm) => vm !== undefined);
  const lbGroups = loadBalancedGroups(core);
  paths.forEach((path, i) => {
    const ref = parseReference(path, { project: group.project });
    if (ref?.scope.kind === 'zone' && ref.scope.zone !== groupZone(group)) {
      throw invalidField(
        `request.instances[${i}].instance`,
        core.link(path),
        'The instance and the instance group must be in the same zone.',
      );
    }
    const vm = core.requireReady(ref as NonNullable<typeof ref>);
    if (members.includes(path)) {
      throw new ComputeError({
        code: 400,
        reason: 'memberAlreadyExists',
        message: `Resource '${path}' is already a member of '${group.path}'.`,
      });
    }
    if (network && instanceNetwork(network) !== instanceNetwork(vm)) {
      throw invalidField(
        `request.instances[${i}].instance`,
        core.link(path),
        'All instances in an instance group must be in the same network.',
      );
    }
    network ??= vm;
    if (lbGroups.has(group.path)) {
      for (const other of lbGroups) {
        if (other === group.path) continue;
        if (((core.store.getByPath(other)?.aux.members ?? []) as string[]).includes(path))
          throw multipleLbGroupsError(path);
      }
    }
    members.push(path);
  });
  return mutateMembers(call, core, group, 'addInstances', members);
};

const removeInstances: Handler = (call, core) => {
  const group = findRecord(core, instanceGroups, call);
  core.assertIdle(group);
  const input = checkBody(
    'InstanceGroupsRemoveInstancesRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  const members = (group.aux.members ?? []) as string[];
  const paths = memberPaths(core, group, 'request.instances', input.instances);
  paths.forEach((path, i) => {
    if (!members.includes(path)) {
      throw invalidField(
        `request.instances[${i}].instance`,
        core.link(path),
        `The instance is not a member of '${group.path}'.`,
      );
    }
  });
  return mutateMembers(
    call,
    core,
    group,
    'removeInstances',
    members.filter((m) => !paths.includes(m)),
  );
};

function mutateMembers(call: ApiCall, core: Core, group: ResourceRecord, type: string, members: string[]) {
  const aux = { ...group.aux, members };
  return core.mutate(
    call,
    group,
    type,
    { body: group.body, aux },
    {
      commit: () => {
        // Members deleted while the operation ran are gone from GCE's view too.
        group.aux = { ...aux, members: members.filter((m) => core.store.getByPath(m) !== undefined) };
      },
    },
  );
}

const listInstances: Handler = (call, core) => {
  const group = findRecord(core, instanceGroups, call);
  const input = checkBody(
    'InstanceGroupsListInstancesRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  if (call.query.get('orderBy'))
    throw invalidField('orderBy', call.query.get('orderBy'), 'Sorting is not supported for this list.');
  const state = input.instanceState ?? 'ALL';
  const items = ((group.aux.members ?? []) as string[])
    .map((m) => core.store.getByPath(m))
    .filter(
      (vm): vm is ResourceRecord => vm !== undefined && (state === 'ALL' || vm.body.status === 'RUNNING'),
    )
    .map((vm) => {
      const item: Json = { instance: core.link(vm.path), status: vm.body.status };
      if (group.body.namedPorts) item.namedPorts = group.body.namedPorts;
      return item;
    });
  const page = paginate(items, queryOf(call), (x) => x, { legacyFilterOnly: true });
  const body: Json = { kind: 'compute#instanceGroupsListInstances', id: `${group.path}/listInstances` };
  if (page.items.length > 0) body.items = page.items;
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  body.selfLink = core.link(`${group.path}/listInstances`);
  return { status: 200, body };
};

const setNamedPorts: Handler = (call, core) => {
  const group = findRecord(core, instanceGroups, call);
  core.assertIdle(group);
  const input = checkBody(
    'InstanceGroupsSetNamedPortsRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  if (input.fingerprint !== undefined && !sameFingerprint(input.fingerprint, group.body.fingerprint))
    throw staleFingerprint();
  const namedPorts = checkNamedPorts('request.namedPorts', input.namedPorts);
  const written: Json = { ...writable(instanceGroups, group.body) };
  if (namedPorts.length > 0) written.namedPorts = namedPorts;
  else delete written.namedPorts;
  return replaceBody(call, core, instanceGroups, group, 'setNamedPorts', written);
};

/** `compute.instanceGroups.*`. */
export const instanceGroupHandlers: Record<string, Handler> = {
  ...crudHandlers(instanceGroups, ['insert', 'get', 'list', 'delete']),
  'compute.instanceGroups.addInstances': addInstances,
  'compute.instanceGroups.removeInstances': removeInstances,
  'compute.instanceGroups.listInstances': listInstances,
  'compute.instanceGroups.setNamedPorts': setNamedPorts,
  'compute.instanceGroups.aggregatedList': aggregatedList(instanceGroups),
};
