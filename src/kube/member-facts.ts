/**
 * One connected member cluster as the controller watches it: only what the multicluster
 * Ingresses need (DESIGN §4, §7). Services of the namespaces in use (which holds the derived
 * Services too), Pods through the selectors of the Services in use, and the Ingress copies of
 * namespaces in `instance-group` mode. From those it answers `facts(namespace)` for translate and
 * emits a MemberFact whenever what an Ingress depends on changed.
 */
import type { KubeConfig, KubernetesObject, V1Ingress, V1Pod, V1Service } from '@kubernetes/client-node';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { InstanceGroupRef, MemberFacts, MemberService, NegStatus } from '../model/member-facts.ts';
import { derivedServiceName } from '../naming/index.ts';
import type { MemberFact } from '../pipeline/types.ts';
import { INSTANCE_GROUPS_ANNOTATION, NEG_STATUS_ANNOTATION } from '../translate/annotations.ts';
import { parseInstanceGroups, parseNegStatus } from '../translate/member-annotations.ts';
import { stableStringify } from '../util/stable-json.ts';
import { selectorString, toMemberService } from './member-facts-derive.ts';
import { INGRESS_COPY_ANNOTATION } from './member-ingress-copy.ts';
import { memberFactsOf, needsByNamespace, type MemberNeed, type NamespaceNeeds } from './member-needs.ts';
import type { NodeNetwork } from './member-node-network.ts';
import { MANAGED_SELECTOR, isOwnedByInstance } from './member-ownership.ts';
import { kubeWatchFactory, type MemberWatchFactory, type MemberWatchSpec } from './member-watches.ts';
import type { WatchEvent, WatchHealth, WatchSource } from './watch-source.ts';

export type { MemberNeed } from './member-needs.ts';
export type { MemberWatchFactory, MemberWatchSpec } from './member-watches.ts';

/** Timers for restarting failed watches; injected so tests control time. */
export interface SessionTimers {
  readonly set: (fn: () => void, ms: number) => unknown;
  readonly clear: (handle: unknown) => void;
}

/** Options of {@link MemberClusterSession}. */
export interface MemberSessionOptions {
  /** The Cluster's name: in facts and messages. */
  readonly cluster: string;
  /** `--instance-id`: which derived Services and Ingress copies are ours. */
  readonly instanceId: string;
  /** The connection (connectCluster's); needed unless `watch` is given. */
  readonly kubeConfig?: KubeConfig;
  /** Replaces the real list-watches (tests). */
  readonly watch?: MemberWatchFactory;
  /** Node tags and network, from the Cluster (see member-node-network.ts). */
  readonly nodeNetwork?: NodeNetwork;
  /** Delay before restarting a failed watch: initial, doubled up to max. Default 500 ms to 30 s. */
  readonly restartBackoffMs?: { readonly initial: number; readonly max: number };
  readonly timers?: SessionTimers;
  /** Told once per distinct problem (an annotation that does not parse). */
  readonly onProblem?: (message: string) => void;
}

interface WatchEntry {
  readonly key: string;
  readonly spec: MemberWatchSpec;
  source: WatchSource<KubernetesObject> | undefined;
  subscription: Subscription | undefined;
  /** Last known objects by name, kept while the watch is down. */
  objects: Map<string, KubernetesObject>;
  /** Has listed at least once: its objects are facts. */
  synced: boolean;
  failed: boolean;
  delay: number;
  restartTimer: unknown;
}

const defaultTimers: SessionTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The facts of one member. `setNeeds` says what to watch; watches start and stop to match.
 * When a watch fails the session keeps its last-known objects, reports `reachable: false`, and
 * restarts the watch (a fresh list) with backoff until it lists again. After `stop()` no watch
 * runs, setNeeds does nothing and facts$ has completed.
 */
export class MemberClusterSession {
  readonly cluster: string;
  /** Changes of what Ingresses depend on (see memberFactsOf); completes on stop(). */
  readonly facts$: Observable<MemberFact>;
  readonly #instanceId: string;
  readonly #watch: MemberWatchFactory;
  readonly #timers: SessionTimers;
  readonly #backoff: { readonly initial: number; readonly max: number };
  readonly #onProblem: (message: string) => void;
  readonly #subject = new Subject<MemberFact>();
  readonly #watches = new Map<string, WatchEntry>();
  readonly #fingerprints = new Map<string, string>();
  readonly #problems = new Set<string>();
  #needs: readonly MemberNeed[] = [];
  #byNamespace = new Map<string, NamespaceNeeds>();
  #nodeNetwork: NodeNetwork;
  #reachable = true;
  #stopped = false;

  /** Starts nothing until setNeeds. Throws TypeError when neither kubeConfig nor watch is given. */
  constructor(options: MemberSessionOptions) {
    this.cluster = options.cluster;
    this.#instanceId = options.instanceId;
    this.#timers = options.timers ?? defaultTimers;
    this.#backoff = options.restartBackoffMs ?? { initial: 500, max: 30_000 };
    this.#onProblem = options.onProblem ?? (() => undefined);
    this.#nodeNetwork = options.nodeNetwork ?? {};
    if (options.watch) this.#watch = options.watch;
    else if (options.kubeConfig) this.#watch = kubeWatchFactory(options.kubeConfig, options.cluster);
    else throw new TypeError('MemberClusterSession: give kubeConfig or watch');
    this.facts$ = this.#subject.asObservable();
  }

  /** False while any of its watches is failing; facts then hold the last-known objects. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /**
   * Replaces what is needed: starts the watches it newly needs and stops those it no longer
   * does. Facts no longer needed are forgotten. Never throws.
   */
  setNeeds(needs: readonly MemberNeed[]): void {
    if (this.#stopped) return;
    this.#needs = [...needs];
    this.#byNamespace = needsByNamespace(needs);
    const wanted = new Set<string>();
    for (const [namespace, ns] of this.#byNamespace) {
      wanted.add(this.#ensureWatch({ kind: 'Service', namespace }));
      if (ns.copies.size > 0) {
        wanted.add(this.#ensureWatch({ kind: 'Ingress', namespace, labelSelector: MANAGED_SELECTOR }));
      }
      for (const key of this.#podWatchKeys(namespace)) wanted.add(key);
    }
    for (const key of [...this.#watches.keys()]) if (!wanted.has(key)) this.#stopWatch(key);
    const live = new Set(this.#allFactIds());
    for (const id of [...this.#fingerprints.keys()]) if (!live.has(id)) this.#fingerprints.delete(id);
    this.#updateReachable();
    for (const namespace of this.#byNamespace.keys()) this.#evaluate(namespace);
  }

  /** Replaces the node tags and network (the Cluster's annotations changed). Never throws. */
  setNodeNetwork(nodeNetwork: NodeNetwork): void {
    this.#nodeNetwork = nodeNetwork;
  }

  /**
   * What is known in `namespace`: the needed user Services (absent until the namespace's
   * Services have been listed once), the NEG status of their derived Services in `neg` mode, the
   * instance groups of `ingress`'s copy (of every copy in the namespace when no ingress is
   * named) in `instance-group` mode, node tags and network, and reachability. Never throws.
   */
  facts(namespace: string, options: { readonly ingress?: string } = {}): MemberFacts {
    const base: MemberFacts = {
      reachable: this.#reachable,
      ...(this.#nodeNetwork.tags && this.#nodeNetwork.tags.length > 0
        ? { nodeTags: [...this.#nodeNetwork.tags] }
        : {}),
      ...(this.#nodeNetwork.network ? { network: this.#nodeNetwork.network } : {}),
    };
    const needs = this.#byNamespace.get(namespace);
    const services = this.#watches.get(watchKey({ kind: 'Service', namespace }));
    if (!needs || !services?.synced) return base;
    const serviceFacts: Record<string, MemberService> = {};
    for (const name of needs.services) {
      const service = this.#memberService(namespace, name);
      if (service) serviceFacts[name] = service;
    }
    const negStatus: Record<string, NegStatus> = {};
    if (needs.neg) {
      for (const name of needs.services) {
        const derived = derivedServiceName(this.#instanceId, namespace, name);
        const status = this.#negStatus(namespace, derived);
        if (status) negStatus[derived] = status;
      }
    }
    let instanceGroups: InstanceGroupRef[] | undefined;
    const copies = this.#watches.get(
      watchKey({ kind: 'Ingress', namespace, labelSelector: MANAGED_SELECTOR }),
    );
    if (copies?.synced) {
      const names = options.ingress !== undefined ? [options.ingress] : [...needs.copies];
      const seen = new Map<string, InstanceGroupRef>();
      for (const name of names) {
        for (const group of this.#instanceGroups(namespace, name) ?? [])
          seen.set(`${group.zone}/${group.name}`, group);
      }
      if (seen.size > 0) instanceGroups = [...seen.values()];
    }
    return {
      ...base,
      services: serviceFacts,
      ...(needs.neg ? { negStatus } : {}),
      ...(instanceGroups ? { instanceGroups } : {}),
    };
  }

  /** The health of every running watch, for `/healthz`. */
  health(): WatchHealth[] {
    return [...this.#watches.values()].flatMap((w) => (w.source ? [w.source.health()] : []));
  }

  /** Stops every watch and timer and completes facts$. Idempotent; never rejects. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const stopping = [...this.#watches.keys()].map((key) => this.#stopWatch(key));
    await Promise.all(stopping);
    this.#subject.complete();
  }

  #ensureWatch(spec: MemberWatchSpec): string {
    const key = watchKey(spec);
    if (this.#watches.has(key)) return key;
    const entry: WatchEntry = {
      key,
      spec,
      source: undefined,
      subscription: undefined,
      objects: new Map(),
      synced: false,
      failed: false,
      delay: this.#backoff.initial,
      restartTimer: undefined,
    };
    this.#watches.set(key, entry);
    this.#startSource(entry);
    return key;
  }

  #startSource(entry: WatchEntry): void {
    const source = this.#watch(entry.spec);
    entry.source = source;
    entry.subscription = source.events$.subscribe((event) => {
      if (entry.source === source) this.#onEvent(entry, event);
    });
  }

  #stopWatch(key: string): Promise<void> {
    const entry = this.#watches.get(key);
    if (!entry) return Promise.resolve();
    this.#watches.delete(key);
    if (entry.restartTimer !== undefined) this.#timers.clear(entry.restartTimer);
    entry.restartTimer = undefined;
    return this.#dropSource(entry);
  }

  #dropSource(entry: WatchEntry): Promise<void> {
    const source = entry.source;
    entry.subscription?.unsubscribe();
    entry.subscription = undefined;
    entry.source = undefined;
    return source ? source.stop().catch(() => undefined) : Promise.resolve();
  }

  #onEvent(entry: WatchEntry, event: WatchEvent<KubernetesObject>): void {
    if (this.#stopped) return;
    switch (event.type) {
      case 'added':
      case 'updated':
      case 'deleted': {
        const name = event.object.metadata?.name;
        if (name === undefined) return;
        if (event.type === 'deleted') entry.objects.delete(name);
        else entry.objects.set(name, event.object);
        // During a (re)list the cache fills object by object; facts wait for 'synced'.
        if (!entry.synced || entry.failed) return;
        break;
      }
      case 'synced':
        entry.objects = new Map(
          (entry.source?.list(entry.spec.namespace) ?? []).flatMap((o) =>
            o.metadata?.name !== undefined ? [[o.metadata.name, o] as const] : [],
          ),
        );
        entry.synced = true;
        entry.failed = false;
        entry.delay = this.#backoff.initial;
        break;
      case 'error':
        // Once per streak of failures: a refused watch (403) or an outage shows in the log
        // instead of only as stale facts.
        if (!entry.failed) {
          this.#onProblem(
            `watch of ${entry.spec.kind}s in ${entry.spec.namespace ?? 'all namespaces'} failed (retrying): ${event.error.message}`,
          );
        }
        this.#onWatchError(entry);
        break;
    }
    if (entry.spec.kind === 'Service') this.#syncPodWatches(entry.spec.namespace);
    this.#updateReachable();
    this.#evaluate(entry.spec.namespace);
  }

  /**
   * A failed watch is replaced by a fresh one after a backoff, rather than left to resume from
   * its resourceVersion: only a completed list proves the member answers again, and it is what
   * turns `reachable` back on.
   */
  #onWatchError(entry: WatchEntry): void {
    entry.failed = true;
    if (entry.restartTimer !== undefined) return;
    void this.#dropSource(entry);
    const delay = entry.delay;
    entry.delay = Math.min(entry.delay * 2, this.#backoff.max);
    entry.restartTimer = this.#timers.set(() => {
      entry.restartTimer = undefined;
      if (this.#stopped || this.#watches.get(entry.key) !== entry) return;
      this.#startSource(entry);
    }, delay);
  }

  /** The pod watches `namespace` needs now (selectors of its needed Services), started. */
  #podWatchKeys(namespace: string): string[] {
    const needs = this.#byNamespace.get(namespace);
    const services = this.#watches.get(watchKey({ kind: 'Service', namespace }));
    if (!needs || !services) return [];
    const keys: string[] = [];
    for (const name of needs.services) {
      const selector = selectorString((services.objects.get(name) as V1Service | undefined)?.spec?.selector);
      if (selector !== undefined)
        keys.push(this.#ensureWatch({ kind: 'Pod', namespace, labelSelector: selector }));
    }
    return keys;
  }

  #syncPodWatches(namespace: string): void {
    const wanted = new Set(this.#podWatchKeys(namespace));
    for (const [key, entry] of [...this.#watches]) {
      if (entry.spec.kind === 'Pod' && entry.spec.namespace === namespace && !wanted.has(key)) {
        void this.#stopWatch(key);
      }
    }
  }

  #updateReachable(): void {
    const reachable = ![...this.#watches.values()].some((w) => w.failed);
    if (reachable === this.#reachable) return;
    this.#reachable = reachable;
    // Everything the Ingresses read from this member changed meaning; tell all of them.
    for (const need of this.#needs) {
      for (const fact of memberFactsOf(this.cluster, this.#instanceId, need)) this.#subject.next(fact);
    }
  }

  /** Emits the facts of `namespace` whose content changed since last emitted. */
  #evaluate(namespace: string): void {
    if (this.#stopped) return;
    const needs = this.#byNamespace.get(namespace);
    if (!needs) return;
    const services = this.#watches.get(watchKey({ kind: 'Service', namespace }));
    const emit = (kind: string, name: string, value: unknown) => {
      const fact: MemberFact = { cluster: this.cluster, kind, namespace, name };
      const id = factKey(fact);
      const fingerprint = stableStringify(value ?? null);
      if (this.#fingerprints.get(id) === fingerprint) return;
      this.#fingerprints.set(id, fingerprint);
      this.#subject.next(fact);
    };
    if (services?.synced) {
      for (const name of needs.services) emit('Service', name, this.#memberService(namespace, name));
      if (needs.neg) {
        for (const name of needs.services) {
          const derived = derivedServiceName(this.#instanceId, namespace, name);
          emit('Service', derived, this.#negStatus(namespace, derived));
        }
      }
    }
    const copies = this.#watches.get(
      watchKey({ kind: 'Ingress', namespace, labelSelector: MANAGED_SELECTOR }),
    );
    if (copies?.synced) {
      for (const ingress of needs.copies) emit('Ingress', ingress, this.#instanceGroups(namespace, ingress));
    }
  }

  #allFactIds(): string[] {
    return this.#needs.flatMap((need) => memberFactsOf(this.cluster, this.#instanceId, need).map(factKey));
  }

  #memberService(namespace: string, name: string): MemberService | undefined {
    const service = this.#watches.get(watchKey({ kind: 'Service', namespace }))?.objects.get(name) as
      V1Service | undefined;
    if (!service) return undefined;
    const selector = selectorString(service.spec?.selector);
    const pods =
      selector === undefined
        ? []
        : [
            ...(this.#watches
              .get(watchKey({ kind: 'Pod', namespace, labelSelector: selector }))
              ?.objects.values() ?? []),
          ];
    return toMemberService(service, pods as V1Pod[]);
  }

  #negStatus(namespace: string, derived: string): NegStatus | undefined {
    const service = this.#watches.get(watchKey({ kind: 'Service', namespace }))?.objects.get(derived) as
      V1Service | undefined;
    if (!service || !isOwnedByInstance(service, this.#instanceId)) return undefined;
    const text = service.metadata?.annotations?.[NEG_STATUS_ANNOTATION];
    if (text === undefined) return undefined;
    try {
      return parseNegStatus(text);
    } catch (err) {
      this.#problem(`cluster ${this.cluster}: Service ${namespace}/${derived}: ${(err as Error).message}`);
      return undefined;
    }
  }

  #instanceGroups(namespace: string, ingress: string): InstanceGroupRef[] | undefined {
    const copies = this.#watches.get(
      watchKey({ kind: 'Ingress', namespace, labelSelector: MANAGED_SELECTOR }),
    );
    for (const object of copies?.objects.values() ?? []) {
      const copy = object as V1Ingress;
      if (!isOwnedByInstance(copy, this.#instanceId)) continue;
      if (copy.metadata?.annotations?.[INGRESS_COPY_ANNOTATION] !== ingress) continue;
      const text = copy.metadata?.annotations?.[INSTANCE_GROUPS_ANNOTATION];
      if (text === undefined) return undefined;
      try {
        return parseInstanceGroups(text);
      } catch (err) {
        this.#problem(
          `cluster ${this.cluster}: Ingress ${namespace}/${copy.metadata?.name ?? ''}: ${(err as Error).message}`,
        );
        return undefined;
      }
    }
    return undefined;
  }

  #problem(message: string): void {
    if (this.#problems.has(message)) return;
    this.#problems.add(message);
    this.#onProblem(message);
  }
}

function watchKey(spec: MemberWatchSpec): string {
  return `${spec.kind}/${spec.namespace}?${spec.labelSelector ?? ''}`;
}

function factKey(fact: MemberFact): string {
  return `${fact.kind}/${fact.namespace}/${fact.name}`;
}
