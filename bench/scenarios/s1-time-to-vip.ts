/**
 * Scenario 1, time to VIP: a fresh multicluster Ingress over three clusters, two Services, HTTP
 * and HTTPS, with every GCE operation taking a fixed time and the NEGs already present. The
 * makespan is compared with the critical path (depth of the dependency graph × latency), which no
 * creation order can beat. Three measurements:
 * - the real controller process against real apiservers (time from the Ingress's creation to the
 *   status that says it converged);
 * - the observe → plan → apply core alone, in-process, against the emulator;
 * - the same load balancer created step by step in kubemci's order, for comparison.
 */
import { syncLoadBalancer } from '../../src/apply/sync-load-balancer.ts';
import { parseOwnership } from '../../src/naming/ownership.ts';
import { rateGroupOf } from '../../test/emulator/rate-limit.ts';
import { depthOfDesired, depthOfStored, type StoredResource } from '../lib/depth.ts';
import { Fleet, INSTANCE_ID, type FleetSpec } from '../lib/fleet.ts';
import { fleetGceClient, startFleetEmulator } from '../lib/gce-world.ts';
import { createInKubemciOrder } from '../lib/kubemci-order.ts';
import type { ProgressLog } from '../lib/log.ts';
import { row, type ScenarioReport, type ScenarioRow } from '../lib/result.ts';
import {
  createAndConverge,
  ingressObject,
  isConverged,
  watchIngress,
  type RealWorld,
} from '../lib/real-world.ts';
import { seedNegs, translateFleetIngress } from '../lib/seed.ts';

/** The fixed latency of every operation. */
export const OPERATION_LATENCY_MS = 500;

/** The goal: makespan within 20 % of the critical path. */
const GOAL = { on: 'ratio', op: '<=', value: 1.2 } as const;

const CORE_SPEC: FleetSpec = {
  clusters: [
    { name: 'us', zone: 'us-central1-a', labels: { 'kubemci.io/enabled': 'true' } },
    { name: 'eu', zone: 'europe-west1-b', labels: { 'kubemci.io/enabled': 'true' } },
    { name: 'asia', zone: 'asia-east1-a', labels: { 'kubemci.io/enabled': 'true' } },
  ],
  namespaces: 1,
  ingresses: 2,
};

/** The core alone and kubemci's order, in-process against one emulator at the fixed latency. */
async function coreAndKubemci(log: ProgressLog): Promise<{ rows: ScenarioRow[]; notes: string[] }> {
  const emulator = await startFleetEmulator(0);
  try {
    const fleet = new Fleet(CORE_SPEC);
    await seedNegs(emulator, CORE_SPEC);
    emulator.setConfig({ opLatency: OPERATION_LATENCY_MS });
    const [ours, theirs] = fleet.keys();
    const gce = fleetGceClient(emulator);

    const desired = translateFleetIngress(fleet, ours!).desired;
    const depth = depthOfDesired(desired);
    const [namespace = '', name = ''] = ours!.split('/');
    let t0 = performance.now();
    const result = await syncLoadBalancer(gce, {
      instanceId: INSTANCE_ID,
      ingress: { namespace, name },
      desired,
    });
    const coreMs = performance.now() - t0;
    if (!result.converged)
      throw new Error(`core sync did not converge: ${JSON.stringify(result.apply?.failures)}`);
    const owned = desired.filter((d) => !d.external).length;

    const theirDesired = translateFleetIngress(fleet, theirs!).desired;
    t0 = performance.now();
    const steps = await createInKubemciOrder(gce, theirDesired);
    const kubemciMs = performance.now() - t0;
    log(`  core ${coreMs.toFixed(0)} ms, kubemci order ${kubemciMs.toFixed(0)} ms, depth ${depth}`);

    const critical = depth * OPERATION_LATENCY_MS;
    return {
      rows: [
        row({
          name: '1b. core apply in-process: makespan',
          figure: coreMs,
          unit: 'ms',
          bound: critical,
          goal: GOAL,
        }),
        row({
          name: "1c. kubemci's order (sequential): makespan",
          figure: kubemciMs,
          unit: 'ms',
          bound: critical,
          goal: { on: 'none', why: 'comparison' },
        }),
      ],
      notes: [
        `1b-1c: ${owned} resources, dependency depth ${depth}, ${OPERATION_LATENCY_MS} ms per operation: critical path ${critical} ms; one at a time would take ${steps} × ${OPERATION_LATENCY_MS} = ${steps * OPERATION_LATENCY_MS} ms.`,
        '1b: syncLoadBalancer (observe → plan → apply) in-process on the emulator with a cold cache; member facts synthetic, NEGs created in the emulator first.',
        "1c: the same resources inserted one after another in kubemci's CreateLoadBalancer order, each waiting for its operation (the static IP, which kubemci needs reserved beforehand, first).",
      ],
    };
  } finally {
    await emulator.close();
  }
}

/** The real controller: the time from creating the Ingress to the status that says it converged. */
async function realController(
  rw: RealWorld,
  log: ProgressLog,
): Promise<{ rows: ScenarioRow[]; notes: string[] }> {
  const { world, kc, networking } = rw;
  const ns = world.ns;
  const clusters = Object.values(rw.clusters);
  // A first Ingress over the same Services makes the derived Services and so the NEGs exist,
  // as they do for any Ingress added beside others.
  await createAndConverge(rw, 'warm', 'warm.example.com', 180_000);
  log('  warm-up Ingress converged; NEGs present');
  world.emulator.setConfig({ opLatency: OPERATION_LATENCY_MS });

  const watch = watchIngress(kc, ns, 'shop', (ing) => isConverged(ing, clusters), 120_000);
  await watch.ready;
  const wall0 = Date.now();
  const t0 = performance.now();
  await networking.createNamespacedIngress({
    namespace: ns,
    body: ingressObject(ns, 'shop', 'shop.example.com'),
  });
  const { at } = await watch.done.catch((err: Error) => {
    throw new Error(`${err.message}\n--- controller log (tail) ---\n${rw.controller.log().slice(-4000)}`);
  });
  const makespan = at - t0;
  const wall1 = wall0 + makespan;
  // Where the time outside the operations went: before the first GCE write (watch delivery,
  // finalizer, member-side Services) and after the last operation finished (status write, watch).
  const writes = world.emulator
    .calls()
    .filter((c) => rateGroupOf(c.method) === 'mutations' && c.status === 200)
    .map((c) => Date.parse(c.at))
    .filter((t) => t >= wall0 && t <= wall1);
  const before = writes.length > 0 ? Math.round(Math.min(...writes) - wall0) : 0;
  const after = writes.length > 0 ? Math.round(wall1 - (Math.max(...writes) + OPERATION_LATENCY_MS)) : 0;

  const state = world.emulator.state();
  const mine: StoredResource[] = [];
  for (const r of state.resources) {
    const m = /\/global\/([^/]+)\/([^/]+)$/.exec(r.path);
    const owner = parseOwnership((r.body as Record<string, unknown>).description);
    if (!m || !owner || owner.instanceId !== world.instanceId || owner.name !== 'shop') continue;
    if (r.state !== 'ready' || r.busy)
      throw new Error(`${r.path} is not settled when the status says converged`);
    mine.push({ collection: m[1]!, name: m[2]!, body: r.body as Record<string, unknown> });
  }
  const depth = depthOfStored(mine);
  const critical = depth * OPERATION_LATENCY_MS;
  log(`  time to VIP ${makespan.toFixed(0)} ms for ${mine.length} resources, depth ${depth}`);
  return {
    rows: [
      row({
        name: '1a. controller process: Ingress created → converged status',
        figure: makespan,
        unit: 'ms',
        bound: critical,
        goal: GOAL,
      }),
    ],
    notes: [
      `1a: all real: kubectl-registered members on real kube-apiservers (3 members + registry), the controller as its own process, the member simulators (NEG controller, kubelet) and the emulator at ${OPERATION_LATENCY_MS} ms per operation. ${mine.length} resources, depth ${depth} measured on what the emulator holds (critical path ${critical} ms). Ends at the watch event whose status shows the VIP, every cluster serving both Services and no error; every resource's operation was DONE by then. Of the time beyond the operations, ${before} ms passed before the first write (watch delivery, finalizer, member-side Services) and ${after} ms after the last operation ended (status write, watch).`,
    ],
  };
}

/** Runs scenario 1: the in-process core and kubemci's order, then the real controller. */
export async function runTimeToVip(rw: RealWorld, log: ProgressLog): Promise<ScenarioReport> {
  const t0 = performance.now();
  const core = await coreAndKubemci(log);
  const real = await realController(rw, log);
  return {
    scenario: 1,
    title: 'Time to VIP',
    rows: [...real.rows, ...core.rows],
    notes: [...real.notes, ...core.notes],
    seconds: (performance.now() - t0) / 1000,
  };
}
