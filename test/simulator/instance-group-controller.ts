/**
 * GKE's instance-group controller as kubemci relies on it: while the cluster has Ingresses of
 * class `gce-multi-cluster`, one unmanaged instance group per zone with nodes, holding every node
 * of that zone, with a named port `port<NodePort>` for every backend NodePort of those Ingresses
 * (named ports are only ever added, as ingress-gce does), and on each such Ingress the
 * `ingress.gcp.kubernetes.io/instance-groups` annotation listing the groups. When the last such
 * Ingress goes, the groups are deleted (retried while a backend service still uses them). VM
 * health follows the readiness of the backends' pods.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { INSTANCE_GROUPS_ANNOTATION, isMultiClusterIngress, renderInstanceGroups } from './annotations.ts';
import { lastSegment, type ComputeApi } from './compute.ts';
import { ComputeCallError, KubeCallError, RetryLater, SimulatorError, combineFailures } from './errors.ts';
import type { HealthSink, HealthState } from './health-sink.ts';
import { nodeHealth, nodePortBackends } from './ig-desired.ts';
import { httpStatus, mergePatch, type KubeClients } from './kube.ts';
import { instanceGroupName, namedPortName } from './names.ts';
import type { NodePool } from './node-pool.ts';
import type { ServiceCacheEvent, ServiceCaches } from './service-caches.ts';
import { WorkQueue } from './work-queue.ts';

/** The controller works on the whole cluster at once, under this one key. */
const KEY = 'instance-groups';

/** What the instance-group controller needs. */
export interface InstanceGroupControllerContext {
  readonly clients: KubeClients;
  readonly compute: ComputeApi;
  readonly pool: NodePool;
  readonly caches: ServiceCaches;
  readonly clusterUid: string;
  readonly healthSink: HealthSink | undefined;
  readonly inScope: (namespace: string | undefined) => boolean;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly onError: (err: Error) => void;
}

/** What is known about the group in one zone. */
interface ZoneGroup {
  /** The zone's URL as the API returned it in the group's `zone` field. */
  readonly zoneUrl: string;
  fingerprint: string | undefined;
  namedPorts: { name: string; port: number }[];
  /** Member VM names. */
  members: Set<string>;
}

/** The instance-group controller of one member cluster. */
export class InstanceGroupController {
  readonly #ctx: InstanceGroupControllerContext;
  readonly #queue: WorkQueue;
  readonly name: string;
  /** Zone → group, for every group known to exist; undefined until the first reconcile looked. */
  #groups: Map<string, ZoneGroup> | undefined;
  readonly #health = new Map<string, HealthState>();
  #problems = '';

  constructor(ctx: InstanceGroupControllerContext) {
    this.#ctx = ctx;
    this.name = instanceGroupName(ctx.clusterUid);
    this.#queue = new WorkQueue({
      handler: () => this.#reconcile(),
      backoff: ctx.retry,
      onError: (_key, err) => {
        if (err instanceof RetryLater) return;
        ctx.onError(err instanceof Error ? err : new SimulatorError('instance groups', { cause: err }));
      },
    });
  }

  /** Any change to Ingresses, Services or endpoints in scope may change groups, ports or health. */
  onEvent(e: ServiceCacheEvent): void {
    if (!this.#ctx.inScope(e.object.metadata?.namespace)) return;
    // Endpoints only matter for health, and only while there is something to report on.
    if (e.kind === 'slice' && this.#health.size === 0 && !this.#multiClusterIngresses().length) return;
    this.#queue.add(KEY);
  }

  /** Queues a full reconcile (after nodes change, and periodically). */
  resyncAll(): void {
    this.#queue.add(KEY);
  }

  /** Resolves when no reconcile is queued or running. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Stops the queue; resolves once no reconcile runs. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  #multiClusterIngresses(): V1Ingress[] {
    return this.#ctx.caches.ingresses
      .list()
      .filter((i) => this.#ctx.inScope(i.metadata?.namespace) && isMultiClusterIngress(i));
  }

  async #reconcile(): Promise<void> {
    const ingresses = this.#multiClusterIngresses();
    const services = this.#ctx.caches.services.list().filter((s) => this.#ctx.inScope(s.metadata?.namespace));
    const { backends, problems } = nodePortBackends(ingresses, services);
    this.#report(problems.join('; '));
    const zones = ingresses.length > 0 ? this.#ctx.pool.zones() : [];
    const groups = await this.#knownGroups();

    const failures: unknown[] = [];
    for (const zone of [...groups.keys()]) {
      if (zones.includes(zone)) continue;
      try {
        await this.#ctx.compute.deleteInstanceGroup(zone, this.name);
        groups.delete(zone);
      } catch (err) {
        // Still a backend of some backend service: GKE tries again later.
        failures.push(
          err instanceof ComputeCallError && err.inUse ? new RetryLater(err.message, { cause: err }) : err,
        );
      }
    }
    const ports = [...new Set(backends.map((b) => b.nodePort))].sort((a, b) => a - b);
    const results = await Promise.allSettled(zones.map((zone) => this.#syncZone(zone, groups, ports)));
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason);

    if (zones.length > 0 && zones.every((z) => groups.has(z))) {
      const value = renderInstanceGroups(
        zones.map((z) => ({ Name: this.name, Zone: groups.get(z)!.zoneUrl })),
      );
      for (const ing of ingresses) {
        try {
          await this.#annotate(ing, value);
        } catch (err) {
          failures.push(err);
        }
      }
    }
    await this.#reportHealth(backends, ingresses.length > 0);
    if (failures.length > 0) throw combineFailures('instance groups', failures);
  }

  /** The groups that exist; looked up in every configured zone the first time. */
  async #knownGroups(): Promise<Map<string, ZoneGroup>> {
    if (this.#groups) return this.#groups;
    const found = new Map<string, ZoneGroup>();
    for (const zone of this.#ctx.pool.zones()) {
      const ig = await this.#ctx.compute.getInstanceGroup(zone, this.name);
      if (ig) found.set(zone, await this.#describe(zone, ig));
    }
    this.#groups = found;
    return found;
  }

  async #describe(
    zone: string,
    ig: {
      zone?: string | null;
      fingerprint?: string | null;
      namedPorts?: { name?: string | null; port?: number | null }[];
    },
  ): Promise<ZoneGroup> {
    const members = await this.#ctx.compute.listInstanceGroupMembers(zone, this.name);
    return {
      zoneUrl: ig.zone ?? zone,
      fingerprint: ig.fingerprint ?? undefined,
      namedPorts: (ig.namedPorts ?? []).flatMap((p) =>
        p.name && p.port ? [{ name: p.name, port: p.port }] : [],
      ),
      members: new Set(members.map(lastSegment)),
    };
  }

  async #syncZone(zone: string, groups: Map<string, ZoneGroup>, ports: readonly number[]): Promise<void> {
    const compute = this.#ctx.compute;
    let group = groups.get(zone);
    if (!group) {
      try {
        await compute.insertInstanceGroup(zone, {
          name: this.name,
          description: JSON.stringify({ 'kubernetes.io/cluster-uid': this.#ctx.clusterUid }),
        });
      } catch (err) {
        if (!(err instanceof ComputeCallError && err.status === 409)) throw err;
      }
      group = await this.#refresh(zone);
      groups.set(zone, group);
    }
    try {
      const nodes = this.#ctx.pool.list().filter((n) => n.zone === zone);
      const want = new Map(nodes.map((n) => [n.name, n.instanceUrl ?? n.name]));
      const add = [...want].filter(([name]) => !group!.members.has(name)).map(([, url]) => url);
      let remove = [...group.members].filter((name) => !want.has(name));
      if (remove.length > 0) {
        // GCE drops a deleted VM from its groups by itself: ask which members are really left.
        group.members = new Set((await compute.listInstanceGroupMembers(zone, this.name)).map(lastSegment));
        remove = [...group.members].filter((name) => !want.has(name));
      }
      if (add.length > 0) {
        await compute.addInstances(zone, this.name, add);
        for (const url of add) group.members.add(lastSegment(url));
      }
      if (remove.length > 0) {
        const base = group.zoneUrl.endsWith('/') ? group.zoneUrl : `${group.zoneUrl}/`;
        await compute.removeInstances(
          zone,
          this.name,
          remove.map((n) => `${base}instances/${n}`),
        );
        for (const n of remove) group.members.delete(n);
      }
      const names = new Set(group.namedPorts.map((p) => p.name));
      const missing = ports.filter((p) => !names.has(namedPortName(p)));
      if (missing.length > 0) {
        const next = [...group.namedPorts, ...missing.map((port) => ({ name: namedPortName(port), port }))];
        await compute.setNamedPorts(zone, this.name, next, group.fingerprint);
        groups.set(zone, await this.#refresh(zone));
      }
    } catch (err) {
      // The group may differ from what was believed (a 412, a member removed by hand): re-read it.
      groups.delete(zone);
      const again = await this.#ctx.compute.getInstanceGroup(zone, this.name).catch(() => undefined);
      if (again)
        groups.set(zone, await this.#describe(zone, again).catch(() => this.#placeholder(zone, again)));
      throw err;
    }
  }

  async #refresh(zone: string): Promise<ZoneGroup> {
    const ig = await this.#ctx.compute.getInstanceGroup(zone, this.name);
    if (!ig)
      throw new ComputeCallError('instanceGroups.get', 404, 'notFound', `${this.name} vanished in ${zone}`);
    return this.#describe(zone, ig);
  }

  #placeholder(zone: string, ig: { zone?: string | null; fingerprint?: string | null }): ZoneGroup {
    return {
      zoneUrl: ig.zone ?? zone,
      fingerprint: ig.fingerprint ?? undefined,
      namedPorts: [],
      members: new Set(),
    };
  }

  async #annotate(ing: V1Ingress, value: string): Promise<void> {
    if (ing.metadata?.annotations?.[INSTANCE_GROUPS_ANNOTATION] === value) return;
    const { name = '', namespace = '' } = ing.metadata ?? {};
    try {
      await this.#ctx.clients.networking.patchNamespacedIngress(
        { name, namespace, body: { metadata: { annotations: { [INSTANCE_GROUPS_ANNOTATION]: value } } } },
        mergePatch,
      );
    } catch (err) {
      if (httpStatus(err) === 404) return;
      throw new KubeCallError(`annotating Ingress ${namespace}/${name}`, httpStatus(err), { cause: err });
    }
  }

  async #reportHealth(
    backends: ReturnType<typeof nodePortBackends>['backends'],
    active: boolean,
  ): Promise<void> {
    const sink = this.#ctx.healthSink;
    if (!sink) return;
    const nodes = this.#ctx.pool.list();
    const want = active
      ? nodeHealth(
          nodes.map((n) => n.name),
          backends,
          this.#ctx.caches.slices.list().filter((s) => this.#ctx.inScope(s.metadata?.namespace)),
        )
      : new Map<string, HealthState>();
    const zoneOf = new Map(nodes.map((n) => [n.name, n.zone]));
    for (const [node, state] of want) {
      if (this.#health.get(node) === state) continue;
      await sink.setInstanceHealth(
        { project: this.#ctx.compute.project, zone: zoneOf.get(node)!, name: node },
        state,
      );
      this.#health.set(node, state);
    }
    for (const node of [...this.#health.keys()]) {
      if (want.has(node)) continue;
      const zone = zoneOf.get(node);
      if (zone)
        await sink.setInstanceHealth({ project: this.#ctx.compute.project, zone, name: node }, undefined);
      this.#health.delete(node);
    }
  }

  #report(problem: string): void {
    if (problem === this.#problems) return;
    this.#problems = problem;
    if (problem) this.#ctx.onError(new SimulatorError(`instance groups: ${problem}`));
  }
}
