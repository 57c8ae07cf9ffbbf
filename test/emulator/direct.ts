/**
 * Direct access to the emulator's world for tests and for the member-cluster simulator: VMs that
 * appear and vanish without operations (as GKE's node pools would make them), backend health,
 * managed-certificate provisioning, hung-operation release and a dump of the whole state. The
 * admin HTTP endpoint and the programmatic handle both call these.
 */
import type { HealthState } from './config.ts';
import type { Core } from './core.ts';
import { ComputeError, alreadyExists, notFound } from './errors.ts';
import { assertValidName } from './names.ts';
import { assemble, present } from './resources/crud.ts';
import { instances } from './resources/instances.ts';
import type { KindSpec } from './resources/kind.ts';
import type { Json } from './schema.ts';
import type { ResourceRecord } from './store.ts';
import { gceTimestamp } from './timestamps.ts';

/** A VM to create directly. */
export interface InstanceSpec {
  readonly zone: string;
  readonly name: string;
  /** Primary IP; allocated from the region's subnet when omitted. */
  readonly networkIP?: string;
  /** Alias ranges (pod CIDRs), e.g. `['10.4.1.0/24']`. */
  readonly aliasIpRanges?: readonly string[];
  readonly tags?: readonly string[];
  /** Network name or URL (default `default`). */
  readonly network?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

function insertReady(core: Core, spec: KindSpec, zone: string, input: Json): ResourceRecord {
  const project = core.config.project;
  const scope = { kind: 'zone' as const, zone };
  assertValidName(input.name);
  const name = input.name;
  const path = `projects/${project}/zones/${zone}/${spec.collection}/${name}`;
  if (core.store.get(project, scope, spec.collection, name)) throw alreadyExists(path);
  const built = spec.build(input, { core, project, scope, name, path, existing: undefined });
  const id = core.store.nextId();
  const body = assemble(
    core,
    spec,
    { id, name, path, project, scope, created: gceTimestamp(core.now()) },
    built.body,
    1,
    1,
  );
  const record: ResourceRecord = {
    path,
    project,
    scope,
    collection: spec.collection,
    name,
    id,
    body,
    aux: built.aux ?? {},
    state: 'ready',
    version: 1,
    labelVersion: 1,
  };
  core.store.add(record);
  return record;
}

/** Creates a running VM at once (no operation, no call logged). Throws ComputeError 400/404/409. */
export function addInstance(core: Core, spec: InstanceSpec): Json {
  core.checkZone(spec.zone);
  const nic: Json = {};
  if (spec.network)
    nic.network = spec.network.includes('/') ? spec.network : `global/networks/${spec.network}`;
  if (spec.networkIP) nic.networkIP = spec.networkIP;
  if (spec.aliasIpRanges?.length) nic.aliasIpRanges = spec.aliasIpRanges.map((r) => ({ ipCidrRange: r }));
  const input: Json = { name: spec.name, networkInterfaces: [nic] };
  if (spec.tags?.length) input.tags = { items: [...spec.tags] };
  if (spec.labels) input.labels = { ...spec.labels };
  return present(core, instances, insertReady(core, instances, spec.zone, input));
}

/** Deletes a VM at once, dropping it from instance groups and NEGs; false if it did not exist. */
export function removeInstance(core: Core, zone: string, name: string): boolean {
  const record = core.store.get(core.config.project, { kind: 'zone', zone }, 'instances', name);
  if (!record) return false;
  core.store.remove(record);
  instances.afterDelete?.(record, core);
  return true;
}

/** Sets (or, with undefined, clears) the health of every backend on a VM. Throws 404 if the VM is unknown. */
export function setInstanceHealth(
  core: Core,
  zone: string,
  name: string,
  state: HealthState | undefined,
): void {
  const path = `projects/${core.config.project}/zones/${zone}/instances/${name}`;
  if (!core.store.getByPath(path)) throw notFound(path);
  core.health.setInstance(path, state);
}

/** Sets (or clears) the health of one endpoint of a NEG. Throws 404 if the NEG is unknown. */
export function setEndpointHealth(
  core: Core,
  zone: string,
  neg: string,
  ipAddress: string,
  port: number,
  state: HealthState | undefined,
): void {
  const path = `projects/${core.config.project}/zones/${zone}/networkEndpointGroups/${neg}`;
  if (!core.store.getByPath(path)) throw notFound(path);
  core.health.setEndpoint(path, ipAddress, port, state);
}

/** A snapshot of one stored resource. */
export interface StateEntry {
  readonly path: string;
  readonly state: string;
  readonly busy: boolean;
  readonly body: Json;
  /** Hidden state: instance-group members, NEG endpoints. */
  readonly aux: Json;
}

/** Everything the emulator holds: resources (as GET shows them, plus hidden state) and operations. */
export function dumpState(core: Core): { project: string; resources: StateEntry[]; operations: Json[] } {
  const resources = core.store
    .all()
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((r) => {
      const spec = core.specFor(r.collection);
      return {
        path: r.path,
        state: r.state,
        busy: r.pending !== undefined,
        body: spec ? present(core, spec, r) : structuredClone(r.body),
        aux: structuredClone(r.aux),
      };
    });
  return {
    project: core.config.project,
    resources,
    operations: core.ops.all().map((o) => structuredClone(o.body)),
  };
}

/** Throws unless `state` is a GCE health state (or undefined to clear). */
export function parseHealthState(state: unknown): HealthState | undefined {
  if (state === undefined || state === null) return undefined;
  if (
    typeof state === 'string' &&
    ['HEALTHY', 'UNHEALTHY', 'UNKNOWN', 'DRAINING', 'TIMEOUT'].includes(state)
  ) {
    return state as HealthState;
  }
  throw new ComputeError({
    code: 400,
    reason: 'invalid',
    message: `'${String(state)}' is not a health state.`,
  });
}
