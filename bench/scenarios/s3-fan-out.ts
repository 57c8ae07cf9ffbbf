/**
 * Scenario 3, cluster fan-out: the `asia` member is enabled, and 500 of the fleet's 1,000
 * Ingresses select it, with the emulator's write quota at 600 a minute (GCE's synchronized
 * per-minute windows) and the controller's client budget at its default (600 writes a minute).
 * The time to converge is compared with the quota bound derived from the emulator's own window
 * log: W writes at L per window, the first one at phase φ of its minute, cannot finish before the
 * window that admits the last of them opens, (60 − φ) + 60 × (⌈W / L⌉ − 2) s after the first write
 * (plus the time from the event to that first write). No `rateLimitExceeded` may reach a
 * reconcile's error path: the client's retry layer must absorb any that the quota returns.
 */
import { BehaviorSubject, Subject, defer, filter, from } from 'rxjs';
import { reconcileIngress } from '../../src/controller/reconcile-ingress.ts';
import { GceError } from '../../src/gce/errors.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../../src/model/gce.ts';
import { DEFAULT_BACKOFF, clusterEventsToKeys, workQueue } from '../../src/pipeline/index.ts';
import type {
  ClusterObject,
  IngressObject,
  QueueDepth,
  ReconcileResult,
  WatchEvent,
} from '../../src/pipeline/index.ts';
import { isMulticlusterIngress } from '../../src/translate/ingress-class.ts';
import { ingressSelectsCluster } from '../../src/translate/select-clusters.ts';
import { rateGroupOf } from '../../test/emulator/rate-limit.ts';
import { countCalls, mark } from '../lib/calls.ts';
import { CallTally, controllerBudget, fleetGceClient } from '../lib/gce-world.ts';
import type { ProgressLog } from '../lib/log.ts';
import { describeErrors, runQueue } from '../lib/queue.ts';
import { row, type ScenarioReport } from '../lib/result.ts';
import { translateFleetIngress } from '../lib/seed.ts';
import { FRESH, type FleetWorld } from './fleet-world.ts';

/** The emulator's write quota during the fan-out, per minute window. */
export const WRITE_QUOTA_PER_MINUTE = 600;
/** The controller's default client budget (its flags' defaults). */
const CLIENT_WRITES_PER_MINUTE = 600;
const CLIENT_READS_PER_MINUTE = 1200;

/**
 * The earliest time (s, from the first write) at which `writes` writes can all have been admitted
 * under `perWindow` per synchronized minute, the first write at `phase` s into its minute.
 */
export function quotaBoundSeconds(writes: number, perWindow: number, phase: number): number {
  const windows = Math.ceil(writes / perWindow);
  return windows <= 1 ? 0 : 60 - phase + 60 * (windows - 2);
}

function clusterObject(name: string, labels: Readonly<Record<string, string>>): ClusterObject {
  return { metadata: { namespace: 'kube-multicluster-public', name, labels: { ...labels } } };
}

function isRateLimited(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof GceError && e.kind === 'rateLimited') return true;
  }
  return false;
}

/** Runs scenario 3 on the fleet; leaves `asia` enabled and the write quota back off. */
export async function runFanOut(world: FleetWorld, log: ProgressLog): Promise<ScenarioReport> {
  const started = performance.now();
  const { emulator, fleet } = world;
  if (!world.freshCreated) {
    const created = await runQueue(fleet.deps(fleetGceClient(emulator)), from(fleet.keys().slice(0, FRESH)));
    if (created.errors.length > 0)
      throw new Error(`creating the fresh Ingresses failed: ${describeErrors(created)}`);
    world.freshCreated = true;
  }
  const tally = new CallTally();
  const gce = fleetGceClient(emulator, {
    budget: controllerBudget(CLIENT_WRITES_PER_MINUTE, CLIENT_READS_PER_MINUTE),
    tally,
  });
  const deps = fleet.deps(gce);
  await gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh: true });

  const ingressSet = new Map<string, IngressObject>();
  for (const [key, ing] of fleet.ingresses) if (isMulticlusterIngress(ing)) ingressSet.set(key, ing);
  const clusterEvents$ = new Subject<WatchEvent<ClusterObject>>();
  let measuring = false;
  let resolveIdle: (() => void) | undefined;
  const results: ReconcileResult[] = [];
  const subscription = clusterEvents$
    .pipe(
      clusterEventsToKeys({
        ingresses$: new BehaviorSubject<ReadonlyMap<string, IngressObject>>(ingressSet),
        selects: (ingress, cluster) => ingressSelectsCluster(ingress, cluster.metadata?.labels),
      }),
      // The fan-out of the initial list (every Cluster as it is) is not part of the measurement.
      filter(() => measuring),
      workQueue((key) => defer(() => from(reconcileIngress(deps, key))), {
        concurrency: 4,
        backoff: DEFAULT_BACKOFF,
        onDepth: (d: QueueDepth) => {
          if (d.pending === 0 && d.running === 0 && d.delayed === 0) resolveIdle?.();
        },
      }),
    )
    .subscribe({ next: (r) => results.push(r) });
  try {
    for (const c of fleet.clusters)
      clusterEvents$.next({ type: 'added', object: clusterObject(c.name, c.labels ?? {}) });
    emulator.setConfig({ rateLimits: { mutations: WRITE_QUOTA_PER_MINUTE } });
    emulator.core.rate.clear();

    const enabled = {
      ...(fleet.clusters.find((c) => c.name === 'asia')?.labels ?? {}),
      'kubemci.io/enabled': 'true',
    };
    const idle = new Promise<void>((resolve) => (resolveIdle = resolve));
    const m = mark(emulator);
    measuring = true;
    const wall0 = Date.now();
    const t0 = performance.now();
    fleet.clusters = fleet.clusters.map((c) => (c.name === 'asia' ? { ...c, labels: enabled } : c));
    clusterEvents$.next({ type: 'updated', object: clusterObject('asia', enabled) });
    await idle;
    const seconds = (performance.now() - t0) / 1000;

    const log_ = m.since();
    const calls = countCalls(log_);
    const writeTimes = log_
      .filter((c) => rateGroupOf(c.method) === 'mutations' && c.status === 200)
      .map((c) => Date.parse(c.at));
    const firstWrite = Math.min(...writeTimes);
    const phase = (firstWrite % 60_000) / 1000;
    const toFirstWrite = (firstWrite - wall0) / 1000;
    const bound = toFirstWrite + quotaBoundSeconds(calls.writes, WRITE_QUOTA_PER_MINUTE, phase);
    // What the client's own token bucket allows: its burst at once, then its steady rate.
    const perSecond = CLIENT_WRITES_PER_MINUTE / 60;
    const burst = Math.round(CLIENT_WRITES_PER_MINUTE / 20);
    const budgetBound = toFirstWrite + Math.max(0, calls.writes - burst) / perSecond;
    const keys = new Set(results.map((r) => r.key));
    const failed = results.filter((r) => r.outcome.kind === 'error');
    const rateLimitedErrors = failed.filter(
      (r) => r.outcome.kind === 'error' && isRateLimited(r.outcome.error),
    );
    const notOk = [...keys].filter((k) => results.filter((r) => r.key === k).at(-1)?.outcome.kind !== 'ok');
    const needed = [...keys].reduce(
      (n, key) =>
        n +
        translateFleetIngress(fleet, key).desired.filter(
          (d) => d.kind === 'backendServices' || d.kind === 'firewalls',
        ).length,
      0,
    );
    const windows = emulator
      .rateLimitWindows()
      .filter((w) => w.group === 'mutations')
      .map(
        (w) => `${w.windowStart.slice(11, 16)} ${w.admitted}${w.rejected ? ` (+${w.rejected} refused)` : ''}`,
      );
    log(
      `  fan-out to ${keys.size} Ingresses: ${calls.writes} writes in ${seconds.toFixed(0)} s (bound ${bound.toFixed(0)} s), windows ${windows.join(', ')}`,
    );
    if (notOk.length > 0)
      throw new Error(`${notOk.length} Ingresses did not converge: ${notOk.slice(0, 3).join(', ')}`);

    return {
      scenario: 3,
      title: 'Cluster fan-out',
      rows: [
        row({
          name: `3a. enable a cluster for ${keys.size} Ingresses at ${WRITE_QUOTA_PER_MINUTE} writes/min: time to converge`,
          figure: seconds,
          unit: 's',
          bound,
          goal: { on: 'ratio', op: '<=', value: 1.15 },
        }),
        row({
          name: '3b. rateLimitExceeded reaching a reconcile error',
          figure: rateLimitedErrors.length,
          unit: 'reconciles',
          bound: null,
          goal: { on: 'figure', op: '=', value: 0 },
        }),
        row({
          name: '3c. fan-out writes',
          figure: calls.writes,
          unit: 'calls',
          bound: needed,
          goal: { on: 'ratio', op: '=', value: 1 },
        }),
        row({
          name: "3d. the same time against the client budget's own bound",
          figure: seconds,
          unit: 's',
          bound: budgetBound,
          goal: { on: 'none', why: 'diagnosis of 3a' },
        }),
      ],
      notes: [
        `3: real Cluster fan-out operator, work queue (concurrency 4), reconcile and GCE client with the controller's default budget (${CLIENT_WRITES_PER_MINUTE} writes/min: 10/s, burst 30), against the emulator with its mutation quota at ${WRITE_QUOTA_PER_MINUTE} per minute window; synthetic: the Cluster event and member facts (data for the MemberManager; asia's NEGs exist), registry in memory; warm GCE cache.`,
        `3a: W = ${calls.writes} writes, the first ${toFirstWrite.toFixed(2)} s after the event at phase φ = ${phase.toFixed(1)} s of its minute; bound = ${toFirstWrite.toFixed(2)} + (60 − φ) + 60 × (⌈W / ${WRITE_QUOTA_PER_MINUTE}⌉ − 2) = ${bound.toFixed(1)} s. Writes admitted per window: ${windows.join(', ')}. ${tally.failures('rateLimited')} rate-limited attempts were retried by the client; ${failed.length} reconciles failed.`,
        `3c: bound = the backend services and firewall rules of the ${keys.size} Ingresses (each gains the cluster's NEGs and node tag).`,
        `3d: bound = ${toFirstWrite.toFixed(2)} + (W − ${burst}) / ${perSecond} per s = ${budgetBound.toFixed(1)} s: what the client's token bucket (burst ${burst}, then ${perSecond}/s) allows, whatever the quota's windows would.`,
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    subscription.unsubscribe();
    emulator.setConfig({ rateLimits: { mutations: 1e9 } });
  }
}
