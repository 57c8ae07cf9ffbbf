import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Secret,
} from '@kubernetes/client-node';
import { Subject, merge, type Observable } from 'rxjs';
import { ClusterConnectionError, connectCluster, probeCluster } from '../kube/cluster-connection.ts';
import { MemberClusterSession } from '../kube/member-facts.ts';
import { nodeNetworkOf } from '../kube/member-node-network.ts';
import type { MemberTarget } from '../kube/member-objects.ts';
import { watchSource, type WatchEvent, type WatchHealth, type WatchSource } from '../kube/watch-source.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterInfo } from '../model/cluster.ts';
import type { ClusterCondition, MemberFact } from '../pipeline/types.ts';
import { CLUSTER_API } from '../model/cluster.ts';
import type { ControllerMetrics } from './metrics.ts';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A Cluster as the registry serves it. */
export type ClusterObject = KubernetesObject & {
  spec?: unknown;
  status?: { conditions?: ClusterCondition[] };
};

/** Where a Cluster stands with the controller; `ready` is the only state that serves. */
export type ClusterState = 'ready' | 'unreachable' | 'refused';

interface Entry {
  cluster: ClusterObject;
  /** When this process first saw the Cluster. */
  readonly since: number;
  state: ClusterState;
  reason: string;
  message: string;
  /** Identity of the connection the session uses (server + credentials); a change reconnects. */
  connectionId?: string;
  target?: MemberTarget;
  session?: MemberClusterSession;
  unreachableSince?: number;
  lastConditionWrite?: number;
  lastConditionKey?: string;
  probing?: boolean;
}

/** Options of {@link Inventory}. */
export interface InventoryOptions {
  readonly kc: KubeConfig;
  readonly inventoryNamespaces: readonly string[];
  readonly instanceId: string;
  readonly controllerAddress?: string;
  readonly googleToken?: () => Promise<string>;
  /** At most one OK-condition heartbeat per Cluster per period; also the probe period. */
  readonly statusPeriodMs: number;
  /** An unreachable member's backends are kept this long, then it stops being offered. */
  readonly unreachableGraceMs: number;
  readonly dryRun: boolean;
  /** Whether this replica may write Cluster conditions (the leader; always without election). */
  readonly canWrite?: () => boolean;
  readonly log: Logger;
  readonly metrics?: ControllerMetrics;
  readonly now?: () => number;
}

/**
 * The Cluster Registry as the controller trusts it. Watches Clusters in every namespace (so a
 * Cluster outside the inventory namespaces can be told why it is ignored) and the credential
 * Secrets of the inventory namespaces; connects to each trusted member, keeps a member session
 * per connection, probes it every period, and writes the Cluster's `OK` condition through
 * `/status` when it changes and at most once a period otherwise (a heartbeat).
 */
export class Inventory {
  readonly #opts: InventoryOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #changed = new Subject<string>();
  readonly #facts = new Subject<Observable<MemberFact>>();
  readonly #status: CustomObjectsApi;
  readonly #clusters: WatchSource<ClusterObject>;
  readonly #secrets: WatchSource<V1Secret>[];
  #timer?: ReturnType<typeof setInterval>;
  #stopped = false;
  readonly #subscriptions: { unsubscribe(): void }[] = [];

  /** Cluster watch events, for the pipeline's Cluster fan-out. */
  readonly clusterEvents$: Observable<WatchEvent<ClusterObject>>;
  /** Names of clusters whose connection state changed (ready, unreachable, refused). */
  readonly stateChanges$: Observable<string>;
  /** Changes seen in members (merged over every session), for the member-fact fan-out. */
  readonly memberFacts$: Subject<MemberFact>;

  constructor(opts: InventoryOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    const custom = opts.kc.makeApiClient(CustomObjectsApi);
    this.#status = custom;
    const core = opts.kc.makeApiClient(CoreV1Api);
    const { group, version, plural } = CLUSTER_API;
    this.#clusters = watchSource(
      opts.kc,
      `/apis/${group}/${version}/${plural}`,
      () =>
        custom.listClusterCustomObject({ group, version, plural }) as Promise<
          KubernetesListObject<ClusterObject>
        >,
      {
        name: 'registry/clusters',
        onError: (error) =>
          opts.log.warn('watch failed; retrying with backoff', { watch: 'registry/clusters', error }),
      },
    );
    this.#secrets = opts.inventoryNamespaces.map((namespace) =>
      watchSource<V1Secret>(
        opts.kc,
        `/api/v1/namespaces/${namespace}/secrets`,
        () => core.listNamespacedSecret({ namespace }),
        {
          name: `registry/secrets/${namespace}`,
          onError: (error) =>
            opts.log.warn('watch failed; retrying with backoff', {
              watch: `registry/secrets/${namespace}`,
              error,
            }),
        },
      ),
    );
    this.clusterEvents$ = this.#clusters.events$;
    this.stateChanges$ = this.#changed.asObservable();
    this.memberFacts$ = new Subject<MemberFact>();
    this.#subscriptions.push(
      this.#clusters.events$.subscribe((e) => {
        if (e.type === 'added' || e.type === 'updated') void this.#evaluate(e.object);
        else if (e.type === 'deleted') void this.#remove(e.object);
      }),
      merge(...this.#secrets.map((s) => s.events$)).subscribe((e) => {
        if (e.type === 'synced' && this.#secretsSynced()) {
          for (const entry of this.#entries.values()) void this.#evaluate(entry.cluster, { probe: true });
          return;
        }
        if (e.type !== 'added' && e.type !== 'updated' && e.type !== 'deleted') return;
        const ns = e.object.metadata?.namespace;
        for (const entry of this.#entries.values()) {
          if (entry.cluster.metadata?.namespace === ns) void this.#evaluate(entry.cluster);
        }
      }),
    );
    this.#timer = setInterval(() => {
      for (const entry of this.#entries.values()) void this.#evaluate(entry.cluster, { probe: true });
    }, opts.statusPeriodMs);
  }

  /** True once Clusters and credential Secrets have been listed. */
  synced(): boolean {
    return this.#clusters.health().synced && this.#secrets.every((s) => s.health().synced);
  }

  /** Health of the registry watches and of every member session's watches. */
  health(): WatchHealth[] {
    return [
      this.#clusters.health(),
      ...this.#secrets.map((s) => s.health()),
      ...[...this.#entries.values()].flatMap((e) => e.session?.health() ?? []),
    ];
  }

  /**
   * The clusters translate may select from: trusted (in an inventory namespace, unique name),
   * not unreachable past the grace period. Refused clusters are included so that, when enabled,
   * their problem shows in the Ingress status; they have no facts, so they get no backends.
   */
  clusters(): ClusterInfo[] {
    const now = this.#now();
    const out: ClusterInfo[] = [];
    for (const [name, e] of this.#entries) {
      if (e.reason === 'OutsideInventory' || e.reason === 'DuplicateName') continue;
      if (
        e.state === 'unreachable' &&
        e.unreachableSince !== undefined &&
        now - e.unreachableSince > this.#opts.unreachableGraceMs
      ) {
        continue;
      }
      out.push({
        name,
        labels: e.cluster.metadata?.labels ?? {},
        annotations: e.cluster.metadata?.annotations ?? {},
      });
    }
    return out;
  }

  /**
   * True while a cluster seen by this process for less than the unreachable grace period may
   * still deliver its first facts (see ReconcileDeps.factsGraceActive).
   */
  factsGraceActive(name: string): boolean {
    const e = this.#entries.get(name);
    return e !== undefined && this.#now() - e.since < this.#opts.unreachableGraceMs;
  }

  /** The member session of a cluster, when connected. */
  session(name: string): MemberClusterSession | undefined {
    return this.#entries.get(name)?.session;
  }

  /** The connection to a cluster, when connected. */
  target(name: string): MemberTarget | undefined {
    return this.#entries.get(name)?.target;
  }

  /** Every cluster's state, for `kubectl mci` and metrics. */
  states(): { name: string; state: ClusterState; reason: string; message: string }[] {
    return [...this.#entries].map(([name, e]) => ({
      name,
      state: e.state,
      reason: e.reason,
      message: e.message,
    }));
  }

  /** Stops the watches, the probes and every member session. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const s of this.#subscriptions) s.unsubscribe();
    await Promise.all([
      this.#clusters.stop(),
      ...this.#secrets.map((s) => s.stop()),
      ...[...this.#entries.values()].map((e) => e.session?.stop()),
    ]);
    this.#changed.complete();
    this.memberFacts$.complete();
    this.#facts.complete();
  }

  async #remove(cluster: ClusterObject): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const entry = this.#entries.get(name);
    if (!entry || entry.cluster.metadata?.namespace !== cluster.metadata?.namespace) return;
    this.#entries.delete(name);
    await entry.session?.stop();
    this.#changed.next(name);
    this.#updateMetrics();
    this.#opts.log.info('cluster removed from the inventory', { cluster: name });
  }

  async #evaluate(cluster: ClusterObject, opts: { probe?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    const name = cluster.metadata?.name ?? '';
    const namespace = cluster.metadata?.namespace ?? '';
    const existing = this.#entries.get(name);
    if (
      existing &&
      existing.cluster.metadata?.namespace !== namespace &&
      existing.reason !== 'OutsideInventory'
    ) {
      // Two trusted Clusters with one name: the first keeps it, the second is refused.
      if (this.#opts.inventoryNamespaces.includes(namespace)) {
        await this.#writeCondition(
          cluster,
          'refused',
          'DuplicateName',
          `a Cluster named ${name} already exists in namespace ${existing.cluster.metadata?.namespace}`,
        );
      }
      return;
    }
    const entry: Entry = existing ?? {
      cluster,
      since: this.#now(),
      state: 'refused',
      reason: 'Connecting',
      message: 'connecting',
    };
    entry.cluster = cluster;
    this.#entries.set(name, entry);
    if (!this.#opts.inventoryNamespaces.includes(namespace)) {
      await this.#setState(
        entry,
        'refused',
        'OutsideInventory',
        `the controller only trusts Clusters in ${this.#opts.inventoryNamespaces.join(', ')}; this one is in ${namespace}`,
      );
      return;
    }
    let connection;
    try {
      connection = await connectCluster(cluster, async (ns, secretName) => this.#secretOf(ns, secretName), {
        controllerAddress: this.#opts.controllerAddress,
        googleToken: this.#opts.googleToken,
      });
    } catch (err) {
      await this.#dropSession(entry);
      const reason = err instanceof ClusterConnectionError ? err.reason : 'ConnectionFailed';
      await this.#setState(entry, 'refused', reason, (err as Error).message);
      return;
    }
    const connectionId = `${connection.server}|${connection.credentials}|${this.#secretVersion(cluster)}`;
    if (entry.connectionId !== connectionId) {
      await this.#dropSession(entry);
      entry.connectionId = connectionId;
      entry.target = { cluster: name, kubeConfig: connection.kubeConfig };
      const session = new MemberClusterSession({
        cluster: name,
        instanceId: this.#opts.instanceId,
        kubeConfig: connection.kubeConfig,
        nodeNetwork: nodeNetworkOf(cluster),
        onProblem: (message) => this.#opts.log.warn('member cluster problem', { cluster: name, message }),
      });
      entry.session = session;
      session.facts$.subscribe({ next: (f) => this.memberFacts$.next(f) });
      this.#changed.next(name);
      opts.probe = true;
    } else {
      entry.session?.setNodeNetwork(nodeNetworkOf(cluster));
    }
    if (!opts.probe || entry.probing) {
      if (entry.state === 'refused' && entry.reason !== 'Connecting')
        await this.#setState(entry, 'ready', 'Connected', `connected to ${connection.server}`);
      return;
    }
    entry.probing = true;
    try {
      const probe = await probeCluster(connection.kubeConfig, { timeoutMs: 10_000 });
      if (probe.ok) {
        entry.unreachableSince = undefined;
        await this.#setState(entry, 'ready', 'Reachable', `member API at ${connection.server} answers`);
      } else if (probe.reason === 'Unreachable') {
        entry.unreachableSince ??= this.#now();
        await this.#setState(entry, 'unreachable', 'Unreachable', probe.message);
      } else {
        await this.#setState(
          entry,
          'refused',
          probe.reason === 'Unauthorized' ? 'BadCredentials' : 'Forbidden',
          probe.message,
        );
      }
    } finally {
      entry.probing = false;
    }
  }

  #secretsSynced(): boolean {
    return this.#secrets.every((s) => s.health().synced);
  }

  /** A credential Secret from the cache of its inventory namespace. */
  #secret(namespace: string, name: string): V1Secret | undefined {
    return this.#secrets[this.#opts.inventoryNamespaces.indexOf(namespace)]?.get(name, namespace);
  }

  #secretOf(namespace: string, name: string) {
    const s = this.#secret(namespace, name);
    return s ? { metadata: { annotations: s.metadata?.annotations ?? {} }, data: s.data ?? {} } : undefined;
  }

  #secretVersion(cluster: ClusterObject): string {
    const ref = (cluster.spec as { authInfo?: { controller?: { name?: string } } } | undefined)?.authInfo
      ?.controller?.name;
    return (ref && this.#secret(cluster.metadata?.namespace ?? '', ref)?.metadata?.resourceVersion) ?? '';
  }

  async #dropSession(entry: Entry): Promise<void> {
    const session = entry.session;
    entry.session = undefined;
    entry.target = undefined;
    entry.connectionId = undefined;
    await session?.stop();
  }

  async #setState(entry: Entry, state: ClusterState, reason: string, message: string): Promise<void> {
    const name = entry.cluster.metadata?.name ?? '';
    const changed = entry.state !== state || entry.reason !== reason;
    if (changed) {
      const level = state === 'ready' ? 'info' : 'warn';
      this.#opts.log[level]('cluster state', { cluster: name, state, reason, message });
    }
    entry.state = state;
    entry.reason = reason;
    entry.message = message;
    if (changed) {
      this.#changed.next(name);
      this.#updateMetrics();
    }
    await this.#writeCondition(entry.cluster, state, reason, message, entry);
  }

  async #writeCondition(
    cluster: ClusterObject,
    state: ClusterState,
    reason: string,
    message: string,
    entry?: Entry,
  ): Promise<void> {
    if (this.#opts.dryRun || !(this.#opts.canWrite?.() ?? true)) return;
    const now = this.#now();
    const status = state === 'ready' ? 'True' : 'False';
    const key = `${status}|${reason}|${message}`;
    if (
      entry &&
      entry.lastConditionKey === key &&
      entry.lastConditionWrite !== undefined &&
      now - entry.lastConditionWrite < this.#opts.statusPeriodMs
    ) {
      return;
    }
    const previous = cluster.status?.conditions?.find((c) => c.type === 'OK');
    const transition =
      previous && previous.status === status ? previous.lastTransitionTime : new Date(now).toISOString();
    const { group, version, plural } = CLUSTER_API;
    try {
      await this.#status.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          plural,
          namespace: cluster.metadata?.namespace ?? '',
          name: cluster.metadata?.name ?? '',
          body: {
            status: {
              conditions: [
                {
                  type: 'OK',
                  status,
                  reason,
                  message: message.slice(0, 1024),
                  lastHeartbeatTime: new Date(now).toISOString(),
                  lastTransitionTime: transition,
                },
              ],
            },
          },
        },
        mergePatch,
      );
      if (entry) {
        entry.lastConditionKey = key;
        entry.lastConditionWrite = now;
      }
    } catch (err) {
      this.#opts.log.warn('could not write the Cluster OK condition', {
        cluster: cluster.metadata?.name,
        error: err,
      });
    }
  }

  #updateMetrics(): void {
    const m = this.#opts.metrics;
    if (!m) return;
    const counts = { ready: 0, unreachable: 0, refused: 0 };
    for (const e of this.#entries.values()) counts[e.state]++;
    for (const [state, n] of Object.entries(counts)) m.clustersReady.set({ state }, n);
  }
}
