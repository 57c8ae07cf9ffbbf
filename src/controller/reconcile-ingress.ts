import type { SyncResult } from '../apply/sync-load-balancer.ts';
import { syncLoadBalancer } from '../apply/sync-load-balancer.ts';
import type { GceClient } from '../gce/gce-client.ts';
import { GceError } from '../gce/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterInfo } from '../model/cluster.ts';
import type { Ingress } from '../model/ingress.ts';
import type { MemberFacts } from '../model/member-facts.ts';
import type {
  DerivedServiceSpec,
  SecretData,
  TranslateOptions,
  TranslateResult,
} from '../model/translate.ts';
import { addressName } from '../naming/gce-names.ts';
import type { Outcome } from '../pipeline/outcome.ts';
import { isMulticlusterIngress } from '../translate/ingress-class.ts';
import { translate } from '../translate/translate.ts';
import { EVENT_REASONS, type EventRecorder, type EventTarget } from './events.ts';
import type { ControllerMetrics } from './metrics.ts';
import {
  CLEANUP_FINALIZER,
  STATUS_ANNOTATION,
  parseIngressStatus,
  statusToWrite,
  toIngressStatus,
  type BackendHealth,
  type LastError,
} from './status-annotation.ts';

/** What the reconcile reads from the registry cluster (informer caches: no API call). */
export interface RegistryView {
  ingress(
    namespace: string,
    name: string,
  ): (Ingress & { metadata?: { deletionTimestamp?: unknown; finalizers?: string[] } }) | undefined;
  /** A Secret of the Ingress's namespace, decoded; undefined when absent. */
  secret(namespace: string, name: string): SecretData | undefined;
  /** The clusters of the inventory that may serve (trusted, not past their unreachable grace). */
  clusters(): readonly ClusterInfo[];
}

/** What the reconcile needs from member clusters. */
export interface MemberView {
  /** Last-known facts of one member for one Ingress's namespace; undefined when not connected yet. */
  facts(cluster: string, namespace: string, ingress: string): MemberFacts | undefined;
  /**
   * Declares what this Ingress needs from members (so their watches cover it and member changes
   * reach this key), and keeps the member-side objects it owns: derived Services (`neg`), the
   * copied Ingress (`instance-group`). Clusters not named lose this Ingress's objects, but only
   * when `removeLeaving` is set (after their backends were detached).
   */
  sync(
    key: string,
    want: {
      readonly ingress: Ingress;
      readonly mode: 'neg' | 'instance-group';
      readonly clusters: readonly string[];
      readonly services: readonly string[];
      readonly derivedServices: readonly DerivedServiceSpec[];
    },
    opts: { readonly removeLeaving: boolean; readonly dryRun: boolean },
  ): Promise<{ readonly errors: readonly { cluster: string; message: string }[] }>;
  /** Removes every member-side object of this Ingress and forgets its needs. */
  release(
    key: string,
    opts: { readonly dryRun: boolean },
  ): Promise<{ readonly errors: readonly { cluster: string; message: string }[] }>;
}

/** Writes to the Ingress object in the registry. */
export interface IngressWriter {
  addFinalizer(namespace: string, name: string): Promise<void>;
  removeFinalizer(namespace: string, name: string): Promise<void>;
  /** Writes the status annotation (or removes it with undefined) and the load-balancer IP. */
  writeStatus(
    namespace: string,
    name: string,
    annotation: string | undefined,
    vip: string | undefined,
  ): Promise<void>;
}

/** Everything one reconcile uses; built once by the composition root. */
export interface ReconcileDeps {
  readonly translateOptions: TranslateOptions;
  readonly gce: GceClient;
  readonly registry: RegistryView;
  readonly members: MemberView;
  readonly writer: IngressWriter;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly metrics?: ControllerMetrics;
  /** Told every translation's backends, for the health loop. */
  readonly onBackends?: (key: string, backends: TranslateResult['backends']) => void;
  /** Health the backend-health loop last saw, by `healthKey(backendService, cluster)`. */
  readonly health?: () => ReadonlyMap<string, BackendHealth>;
  readonly now: () => number;
  readonly dryRun: boolean;
  /**
   * Whether a cluster whose facts are not known yet (just connected, or the controller just
   * started) may still deliver them: while true, an Ingress it was serving is not changed.
   */
  readonly factsGraceActive?: (cluster: string) => boolean;
}

const target = (namespace: string, name: string, uid?: string): EventTarget => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  namespace,
  name,
  uid,
});

/**
 * Brings one multicluster Ingress's load balancer, member-side objects and status to what its
 * spec and the clusters say, from the current level of every input (never from the event that
 * triggered it). The contract with the work queue:
 * - `ok`: converged (or nothing to do); the next run comes with the next change or resync.
 * - `error` terminal: the Ingress itself is wrong (translate errors, plan problems); reported
 *   as an Event and in status, and not retried until something changes.
 * - `error` retryable: GCE or a member failed; retried with backoff.
 * - `requeue`: progress was made but something is still settling (NEGs not reported yet).
 */
export async function reconcileIngress(deps: ReconcileDeps, key: string): Promise<Outcome> {
  const [namespace = '', name = ''] = key.split('/');
  const log = deps.log.child({ ingress: key });
  const ingress = deps.registry.ingress(namespace, name);
  if (!ingress) {
    // Deleted without our finalizer (or already cleaned): the orphan sweep removes leftovers.
    return { kind: 'ok' };
  }
  const meta = ingress.metadata ?? {};
  const finalizers = meta.finalizers ?? [];
  const ours = finalizers.includes(CLEANUP_FINALIZER);
  const deleting = meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null;
  if (deleting || !isMulticlusterIngress(ingress)) {
    if (!ours) return { kind: 'ok' };
    return teardown(deps, key, namespace, name, ingress, deleting, log);
  }
  if (!ours && !deps.dryRun) await deps.writer.addFinalizer(namespace, name);

  const input = gatherInput(deps, namespace, ingress);
  const translation = translate(input, deps.translateOptions);
  const evTarget = target(namespace, name, meta.uid);
  const statusAnnotation = meta.annotations?.[STATUS_ANNOTATION];

  const services = [...new Set(translation.backends.map((b) => b.service))].sort();
  const memberWant = {
    ingress,
    mode: translation.backendMode,
    clusters: translation.selectedClusters,
    services,
    derivedServices: translation.derivedServices,
  };
  const before = await deps.members.sync(key, memberWant, { removeLeaving: false, dryRun: deps.dryRun });
  for (const e of before.errors) {
    deps.events.record(
      evTarget,
      'Warning',
      EVENT_REASONS.memberObjectsFailed,
      `cluster ${e.cluster}: ${e.message}`,
    );
  }

  // After a restart (or a reconnect) a member's facts take a moment to arrive. Planning without
  // them would detach a cluster that is serving, so an Ingress whose serving clusters are not
  // all known yet waits, within the grace period, and GCE stays as it is.
  const previous = parseIngressStatus(statusAnnotation);
  const serving = new Set(
    previous?.clusters.filter((c) => c.backends.some((b) => b.groups.length > 0)).map((c) => c.name),
  );
  const waitingFor = translation.selectedClusters.filter((c) => {
    const facts = input.memberFacts[c];
    return (
      serving.has(c) &&
      (facts === undefined || facts.services === undefined) &&
      (deps.factsGraceActive?.(c) ?? true)
    );
  });
  if (waitingFor.length > 0) {
    log.debug('waiting for member facts before changing the load balancer', { clusters: waitingFor });
    return { kind: 'requeue', after: 2_000 };
  }

  if (translation.errors.length > 0) {
    const message = translation.errors.map((e) => e.message).join('; ');
    deps.events.record(evTarget, 'Warning', EVENT_REASONS.translateFailed, message);
    log.warn('ingress cannot be translated; leaving its load balancer as it is', {
      errors: translation.errors.map((e) => ({ code: e.code, message: e.message, clusters: e.clusters })),
    });
    await writeStatus(deps, namespace, name, statusAnnotation, translation, undefined, meta.generation, {
      reason: translation.errors[0]!.code,
      message,
      at: new Date(deps.now()).toISOString(),
    });
    return { kind: 'error', error: translation.errors[0]!, terminal: true };
  }

  deps.onBackends?.(key, translation.backends);
  for (const p of translation.clusterProblems) {
    deps.events.record(
      evTarget,
      'Warning',
      EVENT_REASONS.clusterProblem,
      `cluster ${p.cluster}: ${p.message}`,
    );
  }

  let sync: SyncResult;
  try {
    sync = await syncLoadBalancer(
      deps.gce,
      {
        instanceId: deps.translateOptions.instanceId,
        ingress: { namespace, name },
        desired: translation.desired,
      },
      // The cache is refreshed once per resync period for all Ingresses (drift detection),
      // never per Ingress: an unchanged resync must cost reads per page, not per Ingress.
      { dryRun: deps.dryRun },
    );
  } catch (err) {
    return failed(deps, evTarget, statusAnnotation, translation, meta.generation, err, log);
  }
  if (sync.plan.problems.length > 0) {
    const message = sync.plan.problems.map((p) => p.message).join('; ');
    deps.events.record(evTarget, 'Warning', EVENT_REASONS.applyFailed, message);
    const lastError = {
      reason: sync.plan.problems[0]!.code,
      message,
      at: new Date(deps.now()).toISOString(),
    };
    await writeStatus(
      deps,
      namespace,
      name,
      statusAnnotation,
      translation,
      undefined,
      meta.generation,
      lastError,
    );
    // A resource in our way is not ours to remove; a missing external one may appear later.
    return {
      kind: 'error',
      error: new Error(message),
      terminal: sync.plan.problems.every((p) => p.code === 'NotOwned'),
    };
  }
  const apply = sync.apply!;
  const changed = sync.plan.steps.filter((s) => s.op !== 'nothing');
  if (changed.length > 0 && !deps.dryRun) {
    const created = sync.observed.length === 0;
    const summary = describeChanges(changed);
    if (apply.ok) {
      deps.events.record(
        evTarget,
        'Normal',
        created ? EVENT_REASONS.created : EVENT_REASONS.updated,
        summary,
      );
    }
    log.info(apply.ok ? 'load balancer changed' : 'load balancer partly changed', {
      changes: summary,
      rounds: sync.rounds,
    });
    // Changes while the spec is the one already converged on are drift corrected.
    if (!created && previous?.observedGeneration === meta.generation && !previous?.lastError) {
      for (const s of changed) deps.metrics?.driftCorrected.inc({ kind: s.kind });
    }
  } else if (changed.length > 0) {
    log.info('dry run: would change the load balancer', { changes: describeChanges(changed) });
  }
  if (!apply.ok) {
    const first = apply.failures[0];
    const error = first ? first.error : new Error('the load balancer did not converge');
    return failed(deps, evTarget, statusAnnotation, translation, meta.generation, error, log);
  }

  if (!deps.dryRun) recordMembershipChanges(deps, evTarget, serving, translation);

  // Backends detached (the apply is DONE): members that left may now lose their objects.
  const after = await deps.members.sync(key, memberWant, { removeLeaving: true, dryRun: deps.dryRun });
  const vip = await readVip(deps, namespace, name, ingress, previous?.vip);
  await writeStatus(deps, namespace, name, statusAnnotation, translation, vip, meta.generation, undefined);
  if (after.errors.length > 0) {
    return {
      kind: 'error',
      error: new Error(after.errors.map((e) => `cluster ${e.cluster}: ${e.message}`).join('; ')),
      terminal: false,
    };
  }
  // NEGs or instance groups not reported yet: their member watch will trigger us, but poll too
  // in case the report never comes (the status says what is missing).
  const waiting = translation.clusterProblems.some(
    (p) => p.code === 'NegNotReady' || p.code === 'InstanceGroupsMissing',
  );
  return waiting ? { kind: 'requeue', after: 30_000 } : { kind: 'ok' };
}

function gatherInput(deps: ReconcileDeps, namespace: string, ingress: Ingress) {
  const clusters = deps.registry.clusters();
  const memberFacts: Record<string, MemberFacts | undefined> = {};
  const name = ingress.metadata?.name ?? '';
  for (const c of clusters) memberFacts[c.name] = deps.members.facts(c.name, namespace, name);
  const secrets: Record<string, SecretData | undefined> = {};
  for (const tls of ingress.spec?.tls ?? []) {
    if (tls.secretName) secrets[tls.secretName] = deps.registry.secret(namespace, tls.secretName);
  }
  return { ingress, clusters, memberFacts, secrets };
}

async function teardown(
  deps: ReconcileDeps,
  key: string,
  namespace: string,
  name: string,
  ingress: Ingress,
  deleting: boolean,
  log: Logger,
): Promise<Outcome> {
  const evTarget = target(namespace, name, ingress.metadata?.uid);
  let sync: SyncResult;
  try {
    sync = await syncLoadBalancer(
      deps.gce,
      { instanceId: deps.translateOptions.instanceId, ingress: { namespace, name }, desired: [] },
      { dryRun: deps.dryRun, refresh: true },
    );
  } catch (err) {
    log.error('teardown failed', { error: err });
    return { kind: 'error', error: err instanceof Error ? err : new Error(String(err)), terminal: false };
  }
  if (deps.dryRun) {
    log.info('dry run: would delete the load balancer', {
      changes: describeChanges(sync.plan.steps.filter((s) => s.op !== 'nothing')),
    });
    return { kind: 'ok' };
  }
  if (!sync.apply?.ok) {
    const error =
      sync.apply?.failures[0]?.error ?? new Error(sync.plan.problems.map((p) => p.message).join('; '));
    deps.events.record(
      evTarget,
      'Warning',
      EVENT_REASONS.applyFailed,
      `deleting the load balancer: ${error.message}`,
    );
    log.error('teardown failed; will retry', { error });
    return { kind: 'error', error, terminal: false };
  }
  // Backends are detached and deleted; now the member-side objects may go (DESIGN §7).
  const released = await deps.members.release(key, { dryRun: false });
  if (released.errors.length > 0) {
    const message = released.errors.map((e) => `cluster ${e.cluster}: ${e.message}`).join('; ');
    deps.events.record(evTarget, 'Warning', EVENT_REASONS.memberObjectsFailed, message);
    return { kind: 'error', error: new Error(message), terminal: false };
  }
  if (sync.plan.steps.some((s) => s.op === 'delete')) {
    deps.events.record(
      evTarget,
      'Normal',
      EVENT_REASONS.deleted,
      describeChanges(sync.plan.steps.filter((s) => s.op !== 'nothing')),
    );
  }
  if (!deleting) await deps.writer.writeStatus(namespace, name, undefined, undefined);
  await deps.writer.removeFinalizer(namespace, name);
  deps.events.forget(evTarget);
  deps.onBackends?.(key, []);
  log.info('load balancer deleted', { deleting });
  return { kind: 'ok' };
}

async function readVip(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
  ingress: Ingress,
  published: string | undefined,
): Promise<string | undefined> {
  const staticName = ingress.metadata?.annotations?.['kubernetes.io/ingress.global-static-ip-name'];
  const addr = staticName || addressName({ instanceId: deps.translateOptions.instanceId, namespace, name });
  try {
    const ip = (await deps.gce.get('addresses', addr))?.body.address;
    return typeof ip === 'string' ? ip : undefined;
  } catch (err) {
    // A failed read keeps the VIP already published rather than blank the Ingress's ADDRESS.
    deps.log.warn('could not read the address; keeping the published VIP', { address: addr, error: err });
    return published;
  }
}

async function writeStatus(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
  current: string | undefined,
  translation: TranslateResult,
  vip: string | undefined,
  generation: number | undefined,
  lastError: LastError | undefined,
): Promise<void> {
  if (deps.dryRun) return;
  const status = toIngressStatus({ translation, vip, generation, health: deps.health?.(), lastError });
  const value = statusToWrite(current, status, new Date(deps.now()).toISOString());
  if (value === undefined) return;
  await deps.writer.writeStatus(namespace, name, value, vip);
}

async function failed(
  deps: ReconcileDeps,
  evTarget: EventTarget,
  current: string | undefined,
  translation: TranslateResult,
  generation: number | undefined,
  err: unknown,
  log: Logger,
): Promise<Outcome> {
  const error = err instanceof Error ? err : new Error(String(err));
  const terminal = error instanceof GceError && error.kind === 'invalid';
  deps.events.record(evTarget, 'Warning', EVENT_REASONS.applyFailed, error.message);
  log.error('reconcile failed', { error, terminal });
  const reason = error instanceof GceError ? error.kind : error.name;
  await writeStatus(deps, evTarget.namespace, evTarget.name, current, translation, undefined, generation, {
    reason,
    message: error.message,
    at: new Date(deps.now()).toISOString(),
  }).catch((e: unknown) => log.warn('could not write status', { error: e }));
  return { kind: 'error', error, terminal };
}

/**
 * ClusterJoined / ClusterLeft: clusters that now serve (have backends) or no longer do, against
 * `before`, the clusters the previous status showed serving.
 */
function recordMembershipChanges(
  deps: ReconcileDeps,
  evTarget: EventTarget,
  before: ReadonlySet<string>,
  translation: TranslateResult,
): void {
  const after = new Set(
    translation.backends.flatMap((b) => b.clusters.filter((c) => c.groups.length > 0).map((c) => c.cluster)),
  );
  for (const c of after) {
    if (!before.has(c))
      deps.events.record(
        evTarget,
        'Normal',
        EVENT_REASONS.clusterJoined,
        `cluster ${c} now serves this Ingress`,
      );
  }
  for (const c of before) {
    if (!after.has(c))
      deps.events.record(
        evTarget,
        'Normal',
        EVENT_REASONS.clusterLeft,
        `cluster ${c} no longer serves this Ingress`,
      );
  }
}

function describeChanges(steps: readonly { op: string; kind: string; name: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(`${s.op} ${s.kind}`, (counts.get(`${s.op} ${s.kind}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}${n > 1 ? ` ×${n}` : ''}`).join(', ');
}
