import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  type KubernetesListObject,
  type V1Ingress,
  type V1Secret,
} from '@kubernetes/client-node';
import { GoogleAuth } from 'google-auth-library';
import {
  Subject,
  defer,
  from,
  map,
  merge,
  mergeMap,
  takeUntil,
  tap,
  type Observable,
  type Subscription,
} from 'rxjs';
import { createGceClient, systemClock, TokenBucketBudget } from '../gce/index.ts';
import { isIngressCopy } from '../kube/member-ingress-copy.ts';
import { gcDerivedServices, gcIngressCopies } from '../kube/member-objects.ts';
import { watchSource, type WatchEvent } from '../kube/watch-source.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretData } from '../model/translate.ts';
import { NAME_PREFIX } from '../naming/gce-names.ts';
import {
  CLEANUP_FINALIZER,
  DEFAULT_BACKOFF,
  ingressDeletions,
  mergeTriggers,
  workQueue,
} from '../pipeline/index.ts';
import type { ClusterObject as PipelineCluster, IngressObject, ReconcileResult } from '../pipeline/index.ts';
import type { ControllerOptions } from '../options/controller-options.ts';
import { ingressSelectsCluster } from '../translate/select-clusters.ts';
import { isMulticlusterIngress } from '../translate/ingress-class.ts';
import { createEventRecorder } from './events.ts';
import { BackendRegistry, startHealthLoop, type HealthLoop } from './health-loop.ts';
import { startHttpServer } from './http-server.ts';
import { createIngressWriter } from './ingress-writer.ts';
import { Inventory } from './inventory.ts';
import { runLeaderElection, type LeaderElection } from './leader-election.ts';
import { MemberManager } from './member-manager.ts';
import { createMetrics, type ControllerMetrics } from './metrics.ts';
import { sweepOrphans } from './orphan-sweep.ts';
import { reconcileIngress, type ReconcileDeps } from './reconcile-ingress.ts';

/** A running controller. */
export interface RunningController {
  readonly metricsPort: number;
  readonly instanceId: string;
  /** Resolves when the controller has stopped (after `stop()`, or on losing leadership). */
  readonly done: Promise<void>;
  /** Stops taking work, lets in-flight reconciles finish (up to `graceMs`), stops everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Whether an Ingress is one the controller manages: class kubemci (or kubemci's), not our own copy. */
export function managesIngress(ingress: IngressObject): boolean {
  return isMulticlusterIngress(ingress) && !isIngressCopy(ingress as V1Ingress);
}

/**
 * The composition root: builds every client, watch and loop from the options and wires the
 * pipeline (triggers → work queue → reconcile). The only place where Promises become Observables
 * (`defer`), so everything below stays testable in virtual time.
 */
export async function startController(opts: ControllerOptions, log: Logger): Promise<RunningController> {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) kc.setCurrentContext(opts.context);
  const core = kc.makeApiClient(CoreV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const instanceId =
    opts.instanceId ?? (await core.readNamespace({ name: 'kube-system' })).metadata?.uid ?? '';
  if (!instanceId) throw new Error('could not determine the instance ID: give --instance-id');
  log.info('starting', {
    instanceId,
    project: opts.project,
    dryRun: opts.dryRun,
    gceEndpoint: opts.gceEndpoint,
  });

  const metrics = createMetrics();
  const stopping = new Subject<void>();
  let leader: LeaderElection | undefined;
  let healthLoop: HealthLoop | undefined;
  const timers: ReturnType<typeof setInterval>[] = [];

  const gce = createGceClient({
    project: opts.project,
    credentials: opts.credentials,
    endpoint: opts.gceEndpoint,
    namePrefix: `${NAME_PREFIX}-`,
    budget: new TokenBucketBudget(
      {
        read: {
          perSecond: opts.gceReadsPerMinute / 60,
          burst: Math.max(1, Math.round(opts.gceReadsPerMinute / 20)),
        },
        write: {
          perSecond: opts.gceWritesPerMinute / 60,
          burst: Math.max(1, Math.round(opts.gceWritesPerMinute / 20)),
        },
      },
      systemClock,
    ),
    cacheTtlMs: opts.resyncPeriodMs,
    onCall: (c) =>
      metrics.gceCalls.inc({ method: c.method, code: String(c.status ?? c.errorKind ?? 'error') }),
  });
  const googleAuth =
    opts.credentials.source === 'adc'
      ? new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] })
      : undefined;

  const inventory = new Inventory({
    kc,
    inventoryNamespaces: opts.inventoryNamespaces,
    instanceId,
    controllerAddress: opts.controllerAddress,
    googleToken: googleAuth ? async () => (await googleAuth.getAccessToken()) ?? '' : undefined,
    statusPeriodMs: opts.clusterStatusPeriodMs,
    unreachableGraceMs: opts.unreachableGraceMs,
    dryRun: opts.dryRun,
    canWrite: () => !leader || leader.isLeader(),
    log: log.child({ component: 'inventory' }),
    metrics,
  });
  const members = new MemberManager({
    sessions: inventory,
    instanceId,
    log: log.child({ component: 'members' }),
  });

  const namespaces = opts.watchNamespaces.length > 0 ? opts.watchNamespaces : [undefined];
  const ingressSources = namespaces.map((ns) =>
    watchSource<V1Ingress>(
      kc,
      ns ? `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses` : '/apis/networking.k8s.io/v1/ingresses',
      () =>
        ns ? networking.listNamespacedIngress({ namespace: ns }) : networking.listIngressForAllNamespaces(),
      {
        name: `registry/ingresses${ns ? `/${ns}` : ''}`,
        onError: watchFailed(log, `registry/ingresses${ns ? `/${ns}` : ''}`),
      },
    ),
  );
  // Only TLS Secrets are read: the field selector keeps every other Secret out of the cache.
  const secretSources = namespaces.map((ns) =>
    watchSource<V1Secret>(
      kc,
      ns ? `/api/v1/namespaces/${ns}/secrets` : '/api/v1/secrets',
      () =>
        (ns
          ? core.listNamespacedSecret({ namespace: ns, fieldSelector: 'type=kubernetes.io/tls' })
          : core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' })) as Promise<
          KubernetesListObject<V1Secret>
        >,
      {
        name: `registry/tls-secrets${ns ? `/${ns}` : ''}`,
        fieldSelector: 'type=kubernetes.io/tls',
        onError: watchFailed(log, `registry/tls-secrets${ns ? `/${ns}` : ''}`),
      },
    ),
  );
  const findIngress = (namespace: string, name: string) => {
    for (const s of ingressSources) {
      const found = s.get(name, namespace);
      if (found) return found;
    }
    return undefined;
  };
  const findSecret = (namespace: string, name: string): SecretData | undefined => {
    for (const s of secretSources) {
      const found = s.get(name, namespace);
      if (found) {
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(found.data ?? {}))
          data[k] = Buffer.from(v, 'base64').toString('utf8');
        return data;
      }
    }
    return undefined;
  };
  const synced = () =>
    [...ingressSources, ...secretSources].every((s) => s.health().synced) && inventory.synced();

  const backends = new BackendRegistry();
  const healthChanged = new Subject<string>();
  const deps: ReconcileDeps = {
    translateOptions: { project: opts.project, instanceId, maxRatePerEndpoint: opts.maxRatePerEndpoint },
    gce,
    registry: { ingress: findIngress, secret: findSecret, clusters: () => inventory.clusters() },
    members,
    writer: createIngressWriter(kc),
    events: createEventRecorder(kc, { component: 'kubemci-controller', log }),
    log,
    metrics,
    onBackends: (key, b) => backends.set(key, b),
    health: () => healthLoop?.health() ?? new Map(),
    now: Date.now,
    dryRun: opts.dryRun,
    factsGraceActive: (cluster) => inventory.factsGraceActive(cluster),
  };

  const http = await startHttpServer({
    host: opts.metricsAddr.host,
    port: opts.metricsAddr.port,
    registry: metrics.registry,
    healthz: [
      () => {
        const now = Date.now();
        // Every watch reconnects (and so reports activity) at least every 30 s when healthy.
        const silent = [...ingressSources, ...secretSources]
          .map((s) => s.health())
          .concat(inventory.health())
          .filter((h) => now - h.lastActivity > opts.watchSilenceTimeoutMs);
        return silent.length
          ? `watches silent past ${opts.watchSilenceTimeoutMs} ms: ${silent.map((h) => h.name).join(', ')}`
          : undefined;
      },
    ],
    readyz: [() => (synced() ? undefined : 'caches not synced yet')],
  });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  // The pipeline completes once its key source has stopped and in-flight reconciles finished.
  let resolveDrained!: () => void;
  const drained = new Promise<void>((r) => (resolveDrained = r));
  let pipeline: Subscription | undefined;

  const ingressStates = trackIngressStates(metrics);
  const startWork = () => {
    metrics.leader.set(1);
    const ingressEvents$ = merge(...ingressSources.map((s) => s.events$)) as Observable<
      WatchEvent<IngressObject>
    >;
    const clusterEvents$ = inventory.clusterEvents$ as Observable<WatchEvent<PipelineCluster>>;
    const triggers$ = mergeTriggers({
      ingressEvents$,
      clusterEvents$,
      secretEvents$: merge(...secretSources.map((s) => s.events$)),
      memberFacts$: inventory.memberFacts$,
      dependencies$: members.dependencies$,
      selects: (ingress, cluster) => ingressSelectsCluster(ingress, cluster.metadata?.labels),
      // An Ingress carrying our finalizer is ours to clean up even after it left the class
      // (possibly while the controller was down), or its deletion would hang on the finalizer.
      isMulticluster: (i) => managesIngress(i) || (i.metadata?.finalizers ?? []).includes(CLEANUP_FINALIZER),
      resyncPeriodMs: opts.resyncPeriodMs,
    });
    // A member connecting (or dropping) changes what every Ingress selecting it can use.
    const stateKeys$ = inventory.stateChanges$.pipe(
      tap(() => members.refreshNeeds()),
      mergeMap((cluster) => {
        const labels = inventory.clusters().find((c) => c.name === cluster)?.labels;
        return from(
          ingressSources
            .flatMap((s) => s.list())
            .filter((i) => managesIngress(i) && (labels === undefined || safeSelects(i, labels)))
            .map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`),
        );
      }),
    );
    const results$ = merge(triggers$, stateKeys$, healthChanged).pipe(
      takeUntil(stopping),
      workQueue((key) => defer(() => from(reconcileIngress(deps, key))), {
        concurrency: opts.concurrency,
        backoff: DEFAULT_BACKOFF,
        forget$: ingressEvents$.pipe(
          ingressDeletions(),
          tap((key) => ingressStates.forget(key)),
        ),
        onDepth: (d) => {
          metrics.queueDepth.set({ state: 'pending' }, d.pending);
          metrics.queueDepth.set({ state: 'running' }, d.running);
          metrics.queueDepth.set({ state: 'delayed' }, d.delayed);
        },
      }),
      map((r) => record(r, metrics, log, ingressStates)),
    );
    pipeline = results$.subscribe({
      error: (err: unknown) => log.error('pipeline stopped', { error: err }),
      complete: () => resolveDrained(),
    });
    // Drift is not watched: every resync period the cache is dropped once, for all Ingresses.
    timers.push(setInterval(() => gce.refresh(), opts.resyncPeriodMs));
    healthLoop = startHealthLoop({
      gce,
      backends,
      periodMs: opts.healthPollPeriodMs,
      log: log.child({ component: 'health' }),
      metrics,
      onChange: (key) => healthChanged.next(key),
    });
    timers.push(
      setInterval(() => {
        if (!synced()) return;
        sweepOrphans({
          gce,
          instanceId,
          ingressExists: (ns, name) => {
            const i = findIngress(ns, name);
            return i !== undefined && managesIngress(i);
          },
          dryRun: opts.dryRun || opts.orphanSweepDryRun,
          log: log.child({ component: 'orphan-sweep' }),
        }).catch((err: unknown) => log.warn('orphan sweep failed', { error: err }));
        if (!opts.dryRun && !opts.orphanSweepDryRun) {
          void sweepMemberObjects(
            inventory,
            instanceId,
            findIngress,
            log.child({ component: 'orphan-sweep' }),
          );
        }
      }, opts.orphanSweepPeriodMs),
    );
  };

  if (opts.leaderElect) {
    leader = runLeaderElection(kc, {
      namespace: opts.leaderElectionNamespace,
      name: 'kubemci-controller',
      identity: `${hostname()}-${randomBytes(4).toString('hex')}`,
      leaseDurationMs: opts.leaseDurationMs,
      log,
    });
    void leader.leading.then(() => {
      if (!stoppingNow) startWork();
    });
    void leader.lost.then(() => {
      log.error('stopping: leadership lost');
      void stop(5_000);
    });
  } else {
    startWork();
  }

  let stoppingNow = false;
  const stop = async (graceMs = 30_000) => {
    if (stoppingNow) return done;
    stoppingNow = true;
    log.info('stopping: finishing in-flight reconciles', { graceMs });
    stopping.next();
    if (!pipeline) resolveDrained();
    const timeout = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([drained, timeout]);
    pipeline?.unsubscribe();
    for (const t of timers) clearInterval(t);
    healthLoop?.stop();
    await leader?.stop();
    await Promise.all([...ingressSources, ...secretSources].map((s) => s.stop()));
    await inventory.stop();
    await http.close();
    metrics.leader.set(0);
    resolveDone();
    log.info('stopped');
  };
  return { metricsPort: http.port, instanceId, done, stop };
}

/**
 * Removes member-side objects (derived Services, Ingress copies) of Ingresses that are gone or
 * no longer select that cluster: what a controller that was down when it happened never released.
 */
async function sweepMemberObjects(
  inventory: Inventory,
  instanceId: string,
  findIngress: (namespace: string, name: string) => V1Ingress | undefined,
  log: Logger,
): Promise<void> {
  for (const cluster of inventory.clusters()) {
    const target = inventory.target(cluster.name);
    if (!target) continue;
    const isLive = (namespace: string, name: string) => {
      const ingress = findIngress(namespace, name);
      return ingress !== undefined && managesIngress(ingress) && safeSelects(ingress, cluster.labels ?? {});
    };
    try {
      const removed = [
        ...(await gcDerivedServices(target, { instanceId, isLive })),
        ...(await gcIngressCopies(target, { instanceId, isLive })),
      ].filter((r) => r.outcome !== 'unchanged');
      if (removed.length)
        log.info('removed member objects no Ingress needs', { cluster: cluster.name, objects: removed });
    } catch (err) {
      log.warn('member object sweep failed', { cluster: cluster.name, error: err });
    }
  }
}

/** Logs the first failure of a streak of one registry watch (403s show up here). */
function watchFailed(log: Logger, name: string): (error: Error) => void {
  return (error) => log.warn('watch failed; retrying with backoff', { watch: name, error });
}

function safeSelects(ingress: IngressObject, labels: Readonly<Record<string, string>>): boolean {
  try {
    return ingressSelectsCluster(ingress, labels);
  } catch {
    return true;
  }
}

/**
 * The Ingresses gauge: each key counted under the outcome of its last reconcile, moved between
 * states as outcomes change (constant work per result), dropped when the Ingress is deleted.
 */
function trackIngressStates(metrics: ControllerMetrics) {
  const states = new Map<string, string>();
  return {
    set(key: string, state: string): void {
      const before = states.get(key);
      if (before === state) return;
      if (before !== undefined) metrics.ingresses.dec({ state: before });
      metrics.ingresses.inc({ state });
      states.set(key, state);
    },
    forget(key: string): void {
      const before = states.get(key);
      if (before === undefined) return;
      metrics.ingresses.dec({ state: before });
      states.delete(key);
    },
  };
}

function record(
  r: ReconcileResult,
  metrics: ControllerMetrics,
  log: Logger,
  ingressStates: ReturnType<typeof trackIngressStates>,
): ReconcileResult {
  const outcome = r.outcome.kind === 'error' ? (r.outcome.terminal ? 'terminal' : 'error') : r.outcome.kind;
  metrics.reconciles.inc({ outcome });
  ingressStates.set(r.key, outcome === 'ok' ? 'ready' : outcome === 'requeue' ? 'progressing' : 'error');
  metrics.reconcileDuration.observe({ outcome }, (r.finishedAt - r.startedAt) / 1000);
  if (r.outcome.kind === 'error') {
    log.error('reconcile failed', {
      ingress: r.key,
      error: r.outcome.error,
      terminal: r.outcome.terminal,
      failures: r.failures,
      retryInMs: r.retryIn,
    });
  } else {
    log.debug('reconciled', { ingress: r.key, outcome: r.outcome.kind, ms: r.finishedAt - r.startedAt });
  }
  return r;
}
