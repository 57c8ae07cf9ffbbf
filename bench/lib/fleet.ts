/**
 * A synthetic fleet for the in-process scenarios: many multicluster Ingresses and their member
 * facts held in memory, and everything `reconcileIngress` needs around them. What is synthetic is
 * stated here once, and the scenarios repeat it in their output:
 * - member facts (Services, NEG status, node tags) are fed to the controller's MemberManager as
 *   data, through member sessions that watch nothing and connect to no member apiserver (so no
 *   member-side Service is written);
 * - the registry is an in-memory view (the informer caches' contents), and status writes land in
 *   it (emitting the same echo event a real write would);
 * - the NEGs those facts name are created for real in the emulator, so backend services can only
 *   reference groups that exist.
 * Translate, plan, apply, the GCE client and the pipeline are the controller's own code.
 */
import { readFileSync } from 'node:fs';
import { Subject } from 'rxjs';
import type { EventRecorder } from '../../src/controller/events.ts';
import { MemberManager, type MemberSessions } from '../../src/controller/member-manager.ts';
import type {
  IngressWriter,
  MemberView,
  RegistryView,
  ReconcileDeps,
} from '../../src/controller/reconcile-ingress.ts';
import { CLEANUP_FINALIZER, STATUS_ANNOTATION } from '../../src/controller/status-annotation.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { ClusterInfo } from '../../src/model/cluster.ts';
import type { Ingress } from '../../src/model/ingress.ts';
import type { MemberFacts, MemberService } from '../../src/model/member-facts.ts';
import type { SecretData, TranslateOptions } from '../../src/model/translate.ts';
import { derivedServiceName } from '../../src/naming/gce-names.ts';
import type { IngressObject, WatchEvent } from '../../src/pipeline/index.ts';

/** The project every fleet resource lives in. */
export const PROJECT = 'bench-project';
/** The controller instance of every fleet. */
export const INSTANCE_ID = '5e1ec7ed-0000-4b3c-8d2e-0123456789ab';

/** One member cluster of a fleet: one zone, one node tag. */
export interface FleetCluster {
  readonly name: string;
  readonly zone: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The shape of a fleet. */
export interface FleetSpec {
  readonly clusters: readonly FleetCluster[];
  /** Namespaces the Ingresses are spread over (round robin). */
  readonly namespaces: number;
  readonly ingresses: number;
  /** `kubemci.io/cluster-selector` of Ingress `i`; none when undefined. */
  readonly selector?: (i: number) => string | undefined;
}

/** A stored Ingress: what the registry's informer cache would hold. */
export type StoredIngress = Ingress & {
  metadata: {
    namespace: string;
    name: string;
    uid: string;
    generation: number;
    resourceVersion: string;
    annotations: Record<string, string>;
    finalizers?: string[];
  };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
};

/** The two Services every member runs in every namespace (ports agree across members). */
export const SERVICES: Readonly<Record<string, MemberService>> = {
  web: { ports: [{ port: 80, targetPort: 8080 }], readinessProbePaths: { '8080': ['/healthz'] } },
  api: { ports: [{ port: 8080, targetPort: 9090 }], readinessProbePaths: { '9090': ['/ready'] } },
};

/** The NEG a member's NEG controller would have made for one Service port of one namespace. */
export function negName(cluster: string, namespace: string, service: string, port: number): string {
  return `k8s1-${cluster}-${namespace}-${service}-${port}`;
}

/** The network tag of a member's nodes. */
export function nodeTag(cluster: string): string {
  return `gke-${cluster}-node`;
}

/** The namespace of Ingress `i`. */
export function namespaceOf(spec: FleetSpec, i: number): string {
  return `team-${i % spec.namespaces}`;
}

/** The key (`namespace/name`) of Ingress `i`. */
export function keyOf(spec: FleetSpec, i: number): string {
  return `${namespaceOf(spec, i)}/shop-${String(i).padStart(5, '0')}`;
}

/** The self-signed test certificate every namespace's `shop-tls` Secret holds. */
export function certificate(): { crt: string; key: string } {
  const read = (file: string) =>
    readFileSync(new URL(`../../test/integration/core/fixtures/${file}`, import.meta.url), 'utf8');
  return { crt: read('shop-a.crt'), key: read('shop-a.key') };
}

/** The Ingress `i` of a fleet: class kubemci, HTTP and HTTPS, `web` by default and `/api` to `api`. */
export function ingressOf(spec: FleetSpec, i: number): StoredIngress {
  const [namespace = '', name = ''] = keyOf(spec, i).split('/');
  const annotations: Record<string, string> = { 'kubernetes.io/ingress.class': 'kubemci' };
  const selector = spec.selector?.(i);
  if (selector !== undefined) annotations['kubemci.io/cluster-selector'] = selector;
  return {
    metadata: {
      namespace,
      name,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      generation: 1,
      resourceVersion: '1',
      annotations,
    },
    spec: {
      tls: [{ secretName: 'shop-tls', hosts: [`shop-${i}.example.com`] }],
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      rules: [
        {
          host: `shop-${i}.example.com`,
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** What one member reports for one namespace: both Services, their NEGs in its one zone, its tag. */
export function memberFactsOf(cluster: FleetCluster, namespace: string): MemberFacts {
  const negStatus = Object.fromEntries(
    Object.entries(SERVICES).map(([service, s]) => [
      derivedServiceName(INSTANCE_ID, namespace, service),
      {
        networkEndpointGroups: Object.fromEntries(
          s.ports.map((p) => [String(p.port), negName(cluster.name, namespace, service, p.port)]),
        ),
        zones: [cluster.zone],
      },
    ]),
  );
  return {
    reachable: true,
    services: SERVICES,
    negStatus,
    nodeTags: [nodeTag(cluster.name)],
    network: 'default',
  };
}

/** Counts of what the in-memory registry and member views were asked to do. */
export interface FleetCounters {
  statusWrites: number;
  finalizerWrites: number;
  events: number;
  /** Needs pushed to member sessions (a need changed). */
  needUpdates: number;
}

/**
 * The registry and member side of a fleet, in memory. `ingressEvents$` carries what an informer
 * would deliver: `emitAll` adds every Ingress, `edit` changes one, and every write the reconcile
 * makes comes back as an echo event, as from a real apiserver.
 */
export class Fleet {
  readonly spec: FleetSpec;
  readonly ingresses = new Map<string, StoredIngress>();
  readonly secrets = new Map<string, SecretData>();
  readonly ingressEvents$ = new Subject<WatchEvent<IngressObject>>();
  readonly counters: FleetCounters = { statusWrites: 0, finalizerWrites: 0, events: 0, needUpdates: 0 };
  /** The inventory's clusters as the reconcile sees them; replace to relabel or add a cluster. */
  clusters: ClusterInfo[];
  #facts = new Map<string, MemberFacts>();
  #members: MemberManager | undefined;
  #version = 1;

  constructor(spec: FleetSpec) {
    this.spec = spec;
    this.clusters = spec.clusters.map((c) => ({ name: c.name, labels: { ...c.labels } }));
    const cert = certificate();
    for (let n = 0; n < spec.namespaces; n++) {
      const namespace = `team-${n}`;
      this.secrets.set(`${namespace}/shop-tls`, { 'tls.crt': cert.crt, 'tls.key': cert.key });
      for (const c of spec.clusters) this.#facts.set(`${c.name}/${namespace}`, memberFactsOf(c, namespace));
    }
    for (let i = 0; i < spec.ingresses; i++) {
      const ing = ingressOf(spec, i);
      this.ingresses.set(`${ing.metadata.namespace}/${ing.metadata.name}`, ing);
    }
  }

  /** Every Ingress key, in creation order. */
  keys(): string[] {
    return [...this.ingresses.keys()];
  }

  /** Delivers an `added` event for every Ingress, as an informer's initial list does. */
  emitAll(): void {
    for (const ing of this.ingresses.values()) this.ingressEvents$.next({ type: 'added', object: ing });
  }

  /** A user's edit of one Ingress (an annotation): a change the controller must look at. */
  edit(key: string, value: string): void {
    const current = this.ingresses.get(key);
    if (!current) return;
    const next: StoredIngress = {
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion: String(++this.#version),
        annotations: { ...current.metadata.annotations, 'example.com/edit': value },
      },
    };
    this.ingresses.set(key, next);
    this.ingressEvents$.next({ type: 'updated', object: next });
  }

  /** The registry view the reconcile reads. */
  registry(): RegistryView {
    return {
      ingress: (namespace, name) => this.ingresses.get(`${namespace}/${name}`),
      secret: (namespace, name) => this.secrets.get(`${namespace}/${name}`),
      clusters: () => this.clusters,
    };
  }

  /**
   * The controller's own MemberManager over synthetic member sessions: facts are data, needs are
   * recorded, and no member apiserver is connected, so no member-side object is written.
   */
  members(): MemberView {
    const sessions: MemberSessions = {
      session: (cluster) =>
        this.clusters.some((c) => c.name === cluster)
          ? {
              facts: (namespace) => this.#facts.get(`${cluster}/${namespace}`) ?? { reachable: true },
              setNeeds: () => {
                this.counters.needUpdates++;
              },
            }
          : undefined,
      target: () => undefined,
    };
    this.#members ??= new MemberManager({ sessions, instanceId: INSTANCE_ID, log: silentLogger });
    return this.#members;
  }

  /** Member facts of one cluster for one namespace, as data (what translate is given). */
  facts(cluster: string, namespace: string): MemberFacts | undefined {
    return this.#facts.get(`${cluster}/${namespace}`);
  }

  /** Writes land in the in-memory registry and echo back as watch events. */
  writer(): IngressWriter {
    const update = (key: string, change: (ing: StoredIngress) => StoredIngress) => {
      const current = this.ingresses.get(key);
      if (!current) return;
      const next = change(current);
      next.metadata.resourceVersion = String(++this.#version);
      this.ingresses.set(key, next);
      this.ingressEvents$.next({ type: 'updated', object: next });
    };
    return {
      addFinalizer: (namespace, name) => {
        this.counters.finalizerWrites++;
        update(`${namespace}/${name}`, (ing) => ({
          ...ing,
          metadata: { ...ing.metadata, finalizers: [...(ing.metadata.finalizers ?? []), CLEANUP_FINALIZER] },
        }));
        return Promise.resolve();
      },
      removeFinalizer: (namespace, name) => {
        this.counters.finalizerWrites++;
        update(`${namespace}/${name}`, (ing) => ({
          ...ing,
          metadata: {
            ...ing.metadata,
            finalizers: (ing.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER),
          },
        }));
        return Promise.resolve();
      },
      writeStatus: (namespace, name, annotation, vip) => {
        this.counters.statusWrites++;
        update(`${namespace}/${name}`, (ing) => {
          const annotations = { ...ing.metadata.annotations };
          if (annotation === undefined) delete annotations[STATUS_ANNOTATION];
          else annotations[STATUS_ANNOTATION] = annotation;
          return {
            ...ing,
            metadata: { ...ing.metadata, annotations },
            status: { loadBalancer: vip ? { ingress: [{ ip: vip }] } : {} },
          };
        });
        return Promise.resolve();
      },
    };
  }

  /** Counts Events instead of writing them. */
  events(): EventRecorder {
    return {
      record: () => {
        this.counters.events++;
      },
      forget: () => undefined,
    };
  }

  /** The reconcile's dependencies around a GCE client. */
  deps(gce: ReconcileDeps['gce'], extra: Partial<ReconcileDeps> = {}): ReconcileDeps {
    const translateOptions: TranslateOptions = { project: PROJECT, instanceId: INSTANCE_ID };
    return {
      translateOptions,
      gce,
      registry: this.registry(),
      members: this.members(),
      writer: this.writer(),
      events: this.events(),
      log: silentLogger,
      now: Date.now,
      dryRun: false,
      ...extra,
    };
  }
}
