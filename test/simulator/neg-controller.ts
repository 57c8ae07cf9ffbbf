/**
 * GKE's NEG controller for standalone (and Ingress-requested) NEGs: for every Service asking for
 * NEGs with `cloud.google.com/neg`, one zonal GCE_VM_IP_PORT NEG per port and zone with nodes,
 * holding the Service's endpoints (node VM, pod IP, target port) as the EndpointSlices list
 * them, the `cloud.google.com/neg-status` annotation naming them, and the NEGs deleted again when
 * the Service stops asking or goes away. Endpoint health follows pod readiness.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import {
  NEG_ANNOTATION,
  NEG_STATUS_ANNOTATION,
  findServicePort,
  ingressServiceBackends,
  parseNegRequest,
  parseNegStatus,
  renderNegStatus,
} from './annotations.ts';
import type { ComputeApi } from './compute.ts';
import { ComputeCallError, KubeCallError, RetryLater, SimulatorError, combineFailures } from './errors.ts';
import type { HealthSink, HealthState } from './health-sink.ts';
import { httpStatus, mergePatch, type KubeClients } from './kube.ts';
import { negName, negPrefix } from './names.ts';
import {
  SERVICE_NAME_LABEL,
  endpointKey,
  negEndpointsByZone,
  negPorts,
  slicesOf,
  type NegEndpoint,
  type NegEndpointMode,
} from './neg-desired.ts';
import type { NodePool } from './node-pool.ts';
import type { ServiceCacheEvent, ServiceCaches } from './service-caches.ts';
import { WorkQueue } from './work-queue.ts';

/** GCE caps one attach or detach call; ingress-gce batches by this many endpoints. */
const ENDPOINT_BATCH = 500;

/** What the NEG controller needs. */
export interface NegControllerContext {
  readonly clients: KubeClients;
  readonly compute: ComputeApi;
  readonly pool: NodePool;
  readonly caches: ServiceCaches;
  readonly clusterUid: string;
  /** Partial network URL (`global/networks/default`). */
  readonly network: string;
  readonly mode: NegEndpointMode;
  readonly healthSink: HealthSink | undefined;
  readonly inScope: (namespace: string | undefined) => boolean;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly onError: (err: Error) => void;
}

/** What is known about one zonal NEG. */
interface ZoneNeg {
  /** Whether the NEG is known to exist (else it may or may not). */
  exists: boolean;
  /** Its endpoints, when known; undefined means "read them before changing anything". */
  endpoints: Map<string, NegEndpoint> | undefined;
  /** The health last reported per endpoint. */
  readonly health: Map<string, { endpoint: NegEndpoint; state: HealthState }>;
}

/** One NEG name (the same in every zone) of one Service. */
interface NegRecord {
  readonly port: number;
  readonly zones: Map<string, ZoneNeg>;
}

/** The description ingress-gce writes on its NEGs, naming their owner. */
interface NegDescription {
  readonly 'cluster-uid': string;
  readonly namespace: string;
  readonly 'service-name': string;
  readonly port: string;
}

/** The NEG controller of one member cluster. */
export class NegController {
  readonly #ctx: NegControllerContext;
  readonly #queue: WorkQueue;
  /** Service key → NEG name → record: every NEG that may exist. */
  readonly #negs = new Map<string, Map<string, NegRecord>>();
  /** Services deleted while they had NEGs: their NEGs are found by listing. */
  readonly #sweep = new Set<string>();
  readonly #problems = new Map<string, string>();

  constructor(ctx: NegControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      handler: (key) => this.#reconcile(key),
      concurrency: 4,
      backoff: ctx.retry,
      onError: (key, err) => {
        if (err instanceof RetryLater) return;
        ctx.onError(
          err instanceof Error ? err : new SimulatorError(`NEGs of Service ${key}`, { cause: err }),
        );
      },
    });
  }

  /** Routes a cache event to the Services it concerns. */
  onEvent(e: ServiceCacheEvent): void {
    const ns = e.object.metadata?.namespace;
    if (!this.#ctx.inScope(ns)) return;
    if (e.kind === 'service') {
      const key = `${ns}/${e.object.metadata?.name}`;
      const annotations = e.object.metadata?.annotations ?? {};
      if (e.type === 'deleted' && (NEG_ANNOTATION in annotations || NEG_STATUS_ANNOTATION in annotations)) {
        this.#sweep.add(key);
      }
      this.#queue.add(key);
    } else if (e.kind === 'slice') {
      const svc = e.object.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc) this.#queue.add(`${ns}/${svc}`);
    } else {
      for (const ing of [e.object, e.old]) {
        for (const b of ing ? ingressServiceBackends(ing) : []) this.#queue.add(`${ns}/${b.name}`);
      }
    }
  }

  /** Queues every Service in scope that asks for NEGs or has some. */
  resyncAll(): void {
    for (const svc of this.#ctx.caches.services.list()) {
      const annotations = svc.metadata?.annotations ?? {};
      if (!this.#ctx.inScope(svc.metadata?.namespace)) continue;
      if (NEG_ANNOTATION in annotations || NEG_STATUS_ANNOTATION in annotations) {
        this.#queue.add(`${svc.metadata?.namespace}/${svc.metadata?.name}`);
      }
    }
    for (const key of [...this.#negs.keys(), ...this.#sweep]) this.#queue.add(key);
  }

  /** Resolves when no Service is queued or being handled. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Stops the queue; resolves once no reconcile runs. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const svc = this.#ctx.caches.services.get(name, namespace);
    const desired = new Map<string, V1ServicePort>();
    if (svc) {
      const parsed = parseNegRequest(svc);
      if (!parsed.ok) {
        // GKE keeps what exists and reports the Service; so does this.
        this.#report(key, parsed.error);
        return;
      }
      if (parsed.value) {
        const { ports, problems } = negPorts(svc, parsed.value, this.#ctx.caches.ingresses.list(namespace));
        this.#report(key, problems.join('; '));
        for (const [port, custom] of ports) {
          desired.set(
            custom ?? negName(this.#ctx.clusterUid, namespace, name, port),
            findServicePort(svc, port)!,
          );
        }
      } else {
        this.#report(key, '');
      }
    }
    const records = this.#negs.get(key) ?? new Map<string, NegRecord>();
    this.#negs.set(key, records);
    this.#rememberFromStatus(svc, records);
    if (!svc && this.#sweep.has(key)) await this.#findOwned(namespace, name, records);

    const zones = this.#ctx.pool.zones();
    const failures: unknown[] = [];
    const settle = async (work: Promise<unknown>[]) => {
      for (const r of await Promise.allSettled(work)) if (r.status === 'rejected') failures.push(r.reason);
    };

    // Deletions first: NEGs no longer asked for, and zones that lost their last node.
    const deletions: Promise<unknown>[] = [];
    for (const [neg, record] of records) {
      for (const zone of record.zones.keys()) {
        if (!desired.has(neg) || !zones.includes(zone)) deletions.push(this.#deleteNeg(zone, neg, record));
      }
    }
    await settle(deletions);
    for (const [neg, record] of records)
      if (!desired.has(neg) && record.zones.size === 0) records.delete(neg);

    const ensures: Promise<unknown>[] = [];
    const nodeZones = this.#ctx.pool.zonesByNode();
    for (const [neg, servicePort] of desired) {
      const record = records.get(neg) ?? { port: servicePort.port, zones: new Map<string, ZoneNeg>() };
      records.set(neg, record);
      const slices = slicesOf(svc!, this.#ctx.caches.slices.list(namespace));
      const byZone = negEndpointsByZone(servicePort, slices, nodeZones, this.#ctx.mode);
      for (const zone of zones) {
        const zoneNeg = record.zones.get(zone) ?? { exists: false, endpoints: undefined, health: new Map() };
        record.zones.set(zone, zoneNeg);
        ensures.push(
          this.#syncZone(zone, neg, zoneNeg, byZone.get(zone) ?? [], { namespace, name, port: record.port }),
        );
      }
    }
    const failedDeletions = failures.length;
    await settle(ensures);

    // A NEG still in use cannot go yet (retried); the status names what exists for the ports asked for.
    if (failures.length === failedDeletions && svc) await this.#writeStatus(svc, desired, zones);
    if (records.size === 0) this.#negs.delete(key);
    if (failures.length === 0 && !svc) this.#sweep.delete(key);
    if (failures.length > 0) throw combineFailures(`NEGs of Service ${key}`, failures);
  }

  /** NEGs the Service's neg-status names (they exist from an earlier run, or another simulator). */
  #rememberFromStatus(svc: V1Service | undefined, records: Map<string, NegRecord>): void {
    const status = svc ? parseNegStatus(svc) : undefined;
    for (const [port, neg] of Object.entries(status?.network_endpoint_groups ?? {})) {
      if (records.has(neg)) continue;
      const zones = new Map<string, ZoneNeg>();
      for (const zone of status!.zones)
        zones.set(zone, { exists: false, endpoints: undefined, health: new Map() });
      records.set(neg, { port: Number(port), zones });
    }
  }

  /** Lists this cluster's NEGs in every zone and records those the description gives to the Service. */
  async #findOwned(namespace: string, name: string, records: Map<string, NegRecord>): Promise<void> {
    const prefix = negPrefix(this.#ctx.clusterUid);
    for (const zone of this.#ctx.pool.zones()) {
      for (const neg of await this.#ctx.compute.listNegs(zone, prefix)) {
        const d = parseDescription(neg.description);
        if (!neg.name || d?.['cluster-uid'] !== this.#ctx.clusterUid) continue;
        if (d.namespace !== namespace || d['service-name'] !== name) continue;
        const record = records.get(neg.name) ?? { port: Number(d.port), zones: new Map<string, ZoneNeg>() };
        record.zones.set(zone, { exists: true, endpoints: undefined, health: new Map() });
        records.set(neg.name, record);
      }
    }
  }

  /** Deletes one zonal NEG; one still used by a backend service is retried later, quietly. */
  async #deleteNeg(zone: string, neg: string, record: NegRecord): Promise<void> {
    const zoneNeg = record.zones.get(zone);
    // Health is cleared while the NEG still exists: the emulator refuses health for unknown NEGs.
    for (const [key, { endpoint }] of [...(zoneNeg?.health ?? [])]) {
      await this.#ctx.healthSink?.setEndpointHealth(this.#ref(zone, neg), endpoint, undefined);
      zoneNeg?.health.delete(key);
    }
    try {
      await this.#ctx.compute.deleteNeg(zone, neg);
    } catch (err) {
      if (err instanceof ComputeCallError && err.inUse)
        throw new RetryLater(`NEG ${neg} in ${zone} is in use`, { cause: err });
      throw err;
    }
    record.zones.delete(zone);
  }

  async #syncZone(
    zone: string,
    neg: string,
    zoneNeg: ZoneNeg,
    want: readonly NegEndpoint[],
    owner: { namespace: string; name: string; port: number },
  ): Promise<void> {
    try {
      if (!zoneNeg.exists) await this.#ensureNeg(zone, neg, zoneNeg, owner);
      if (!zoneNeg.endpoints) {
        const listed = await this.#ctx.compute.listNegEndpoints(zone, neg);
        zoneNeg.endpoints = new Map(listed.map((e) => [endpointKey(e), { ...e, ready: true }]));
      }
      const current = zoneNeg.endpoints;
      const wanted = new Map(want.map((e) => [endpointKey(e), e]));
      const detach = [...current].filter(([k]) => !wanted.has(k)).map(([, e]) => e);
      const attach = want.filter((e) => !current.has(endpointKey(e)));
      for (let i = 0; i < detach.length; i += ENDPOINT_BATCH) {
        const batch = detach.slice(i, i + ENDPOINT_BATCH);
        await this.#ctx.compute.detachEndpoints(zone, neg, batch.map(apiEndpoint));
        for (const e of batch) current.delete(endpointKey(e));
      }
      for (let i = 0; i < attach.length; i += ENDPOINT_BATCH) {
        const batch = attach.slice(i, i + ENDPOINT_BATCH);
        await this.#ctx.compute.attachEndpoints(zone, neg, batch.map(apiEndpoint));
        for (const e of batch) current.set(endpointKey(e), e);
      }
    } catch (err) {
      // What the NEG holds is uncertain now; read it again next time.
      zoneNeg.endpoints = undefined;
      throw err;
    }
    await this.#reportHealth(zone, neg, zoneNeg, want);
  }

  async #ensureNeg(
    zone: string,
    neg: string,
    zoneNeg: ZoneNeg,
    owner: { namespace: string; name: string; port: number },
  ): Promise<void> {
    const existing = await this.#ctx.compute.getNeg(zone, neg);
    if (existing) {
      const d = parseDescription(existing.description);
      if (d && d['cluster-uid'] !== this.#ctx.clusterUid) {
        throw new SimulatorError(
          `NEG ${neg} in ${zone} belongs to cluster ${d['cluster-uid']}, not this one`,
        );
      }
      zoneNeg.endpoints = undefined;
    } else {
      const description: NegDescription = {
        'cluster-uid': this.#ctx.clusterUid,
        namespace: owner.namespace,
        'service-name': owner.name,
        port: String(owner.port),
      };
      try {
        await this.#ctx.compute.insertNeg(zone, {
          name: neg,
          networkEndpointType: 'GCE_VM_IP_PORT',
          network: `projects/${this.#ctx.compute.project}/${this.#ctx.network}`,
          description: JSON.stringify(description),
        });
        zoneNeg.endpoints = new Map();
      } catch (err) {
        if (!(err instanceof ComputeCallError && err.status === 409)) throw err;
        zoneNeg.endpoints = undefined;
      }
    }
    zoneNeg.exists = true;
  }

  async #reportHealth(
    zone: string,
    neg: string,
    zoneNeg: ZoneNeg,
    want: readonly NegEndpoint[],
  ): Promise<void> {
    const sink = this.#ctx.healthSink;
    if (!sink) return;
    const ref = this.#ref(zone, neg);
    const wanted = new Set<string>();
    for (const endpoint of want) {
      const key = endpointKey(endpoint);
      wanted.add(key);
      const state: HealthState = endpoint.ready ? 'HEALTHY' : 'UNHEALTHY';
      if (zoneNeg.health.get(key)?.state === state) continue;
      await sink.setEndpointHealth(ref, endpoint, state);
      zoneNeg.health.set(key, { endpoint, state });
    }
    for (const [key, { endpoint }] of [...zoneNeg.health]) {
      if (wanted.has(key)) continue;
      await sink.setEndpointHealth(ref, endpoint, undefined);
      zoneNeg.health.delete(key);
    }
  }

  async #writeStatus(svc: V1Service, desired: ReadonlyMap<string, V1ServicePort>, zones: readonly string[]) {
    const byPort = new Map([...desired].map(([neg, sp]) => [sp.port, neg] as const));
    const want = byPort.size > 0 ? renderNegStatus(byPort, zones) : undefined;
    const current = svc.metadata?.annotations?.[NEG_STATUS_ANNOTATION];
    if (want === current) return;
    const { name = '', namespace = '' } = svc.metadata ?? {};
    try {
      await this.#ctx.clients.core.patchNamespacedService(
        { name, namespace, body: { metadata: { annotations: { [NEG_STATUS_ANNOTATION]: want ?? null } } } },
        mergePatch,
      );
    } catch (err) {
      if (httpStatus(err) === 404) return;
      throw new KubeCallError(
        `writing ${NEG_STATUS_ANNOTATION} on Service ${namespace}/${name}`,
        httpStatus(err),
        {
          cause: err,
        },
      );
    }
  }

  #report(key: string, problem: string): void {
    if ((this.#problems.get(key) ?? '') === problem) return;
    if (problem) this.#problems.set(key, problem);
    else this.#problems.delete(key);
    if (problem) this.#ctx.onError(new SimulatorError(`Service ${key}: ${problem}`));
  }

  #ref(zone: string, name: string) {
    return { project: this.#ctx.compute.project, zone, name };
  }
}

function apiEndpoint(e: NegEndpoint) {
  return { instance: e.instance, ipAddress: e.ipAddress, port: e.port };
}

function parseDescription(text: string | null | undefined): NegDescription | undefined {
  if (!text) return undefined;
  try {
    const d = JSON.parse(text) as Partial<NegDescription>;
    return typeof d['cluster-uid'] === 'string' ? (d as NegDescription) : undefined;
  } catch {
    return undefined;
  }
}
