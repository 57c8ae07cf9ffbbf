/**
 * Scenario 4, bursts: 10,000 watch events (ten edits of each of 1,000 Ingresses, round robin)
 * pushed into the controller's pipeline (mergeTriggers → work queue → reconcile) as fast as it
 * takes them. Measured: reconciles per key (goal ≤ 2: one pending run, plus one trailing run for a
 * key already running) and the time to drain, against the time the same pipeline takes to
 * reconcile every key once (the informer's initial list, measured just before).
 */
import { Subscription, defer, from } from 'rxjs';
import { reconcileIngress } from '../../src/controller/reconcile-ingress.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../../src/model/gce.ts';
import { DEFAULT_BACKOFF, mergeTriggers, workQueue } from '../../src/pipeline/index.ts';
import type { QueueDepth, ReconcileResult } from '../../src/pipeline/index.ts';
import { isMulticlusterIngress } from '../../src/translate/ingress-class.ts';
import { ingressSelectsCluster } from '../../src/translate/select-clusters.ts';
import { countCalls, mark } from '../lib/calls.ts';
import { fleetGceClient } from '../lib/gce-world.ts';
import type { ProgressLog } from '../lib/log.ts';
import { describeErrors, runQueue } from '../lib/queue.ts';
import { row, type ScenarioReport } from '../lib/result.ts';
import { FLEET_SIZE, FRESH, type FleetWorld } from './fleet-world.ts';

/** Edits per Ingress in the burst. */
const EDITS = 10;

/** Resolves on the first report of an empty queue after it is called. */
class IdleWatch {
  #waiters: (() => void)[] = [];

  readonly onDepth = (d: QueueDepth): void => {
    if (d.pending === 0 && d.running === 0 && d.delayed === 0) {
      for (const w of this.#waiters.splice(0)) w();
    }
  };

  idle(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Runs scenario 4 on the fleet. */
export async function runBursts(world: FleetWorld, log: ProgressLog): Promise<ScenarioReport> {
  const started = performance.now();
  const { emulator, fleet } = world;
  const gce = fleetGceClient(emulator);
  const deps = fleet.deps(gce);
  if (!world.freshCreated) {
    const created = await runQueue(deps, from(fleet.keys().slice(0, FRESH)));
    if (created.errors.length > 0)
      throw new Error(`creating the fresh Ingresses failed: ${describeErrors(created)}`);
    world.freshCreated = true;
  }
  // A running controller's cache is warm.
  await gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh: true });

  const idle = new IdleWatch();
  const results: ReconcileResult[] = [];
  const pipeline = new Subscription();
  pipeline.add(
    mergeTriggers({
      ingressEvents$: fleet.ingressEvents$,
      selects: (ingress, cluster) => ingressSelectsCluster(ingress, cluster.metadata?.labels),
      isMulticluster: isMulticlusterIngress,
    })
      .pipe(
        workQueue((key) => defer(() => from(reconcileIngress(deps, key))), {
          concurrency: 4,
          backoff: DEFAULT_BACKOFF,
          onDepth: idle.onDepth,
        }),
      )
      .subscribe({ next: (r) => results.push(r) }),
  );
  try {
    // The informer's initial list: every key once.
    let done = idle.idle();
    let t0 = performance.now();
    fleet.emitAll();
    await done;
    const onceSeconds = (performance.now() - t0) / 1000;
    log(`  initial list: ${results.length} reconciles in ${onceSeconds.toFixed(1)} s`);

    results.length = 0;
    const m = mark(emulator);
    const keys = fleet.keys();
    done = idle.idle();
    t0 = performance.now();
    for (let round = 0; round < EDITS; round++) {
      for (const key of keys) fleet.edit(key, String(round));
    }
    const injectSeconds = (performance.now() - t0) / 1000;
    await done;
    const drainSeconds = (performance.now() - t0) / 1000;
    const runs = new Map<string, number>();
    for (const r of results) runs.set(r.key, (runs.get(r.key) ?? 0) + 1);
    const maxRuns = Math.max(0, ...runs.values());
    const twice = [...runs.values()].filter((n) => n === 2).length;
    const errors = results.filter((r) => r.outcome.kind === 'error').length;
    const calls = countCalls(m.since());
    const events = EDITS * keys.length;
    log(
      `  burst: ${events} events taken in ${injectSeconds.toFixed(2)} s, ${results.length} reconciles (max ${maxRuns} per key), drained in ${drainSeconds.toFixed(1)} s`,
    );
    return {
      scenario: 4,
      title: 'Bursts',
      rows: [
        row({
          name: `4a. burst of ${events} events: reconciles per key (max)`,
          figure: maxRuns,
          unit: 'runs',
          bound: 2,
          goal: { on: 'figure', op: '<=', value: 2 },
        }),
        row({
          name: `4b. burst of ${events} events: reconciles in total`,
          figure: results.length,
          unit: 'runs',
          bound: keys.length,
          goal: { on: 'none', why: 'reported' },
        }),
        row({
          name: `4c. burst of ${events} events: time to drain`,
          figure: drainSeconds,
          unit: 's',
          bound: onceSeconds,
          goal: { on: 'none', why: 'reported' },
        }),
      ],
      notes: [
        `4: real pipeline (mergeTriggers, work queue with concurrency 4) and reconcile against the emulator, warm GCE cache; synthetic: the watch events (in-memory informer, echoes of our status writes included), member facts (data for the MemberManager). ${FLEET_SIZE} converged Ingresses, ${EDITS} edits each, pushed round robin in one synchronous loop (${injectSeconds.toFixed(2)} s to take all ${events}). ${twice} keys ran twice (they were running when their next edit came); ${errors} reconciles failed; ${calls.writes} GCE writes.`,
        `4c: bound = the time the same pipeline took to reconcile every key once (the informer's initial list, ${onceSeconds.toFixed(1)} s).`,
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    pipeline.unsubscribe();
  }
}
