/**
 * Scenario 6, failover visibility: every pod of one member made unready; the time until the
 * Ingress's status reports that cluster without a healthy backend, against the health loop's cycle
 * (its period plus the time one round of getHealth calls takes, read from the emulator's call log)
 * plus one reconcile (the longest reconcile of the Ingress in that interval, from the
 * controller's log). All real: controller process, apiservers, simulators, emulator.
 */
import { pollUntil } from '../../test/harness/poll.ts';
import type { ProgressLog } from '../lib/log.ts';
import { row, type ScenarioReport } from '../lib/result.ts';
import {
  HEALTH_POLL_PERIOD_MS,
  MEMBERS,
  createAndConverge,
  isConverged,
  statusOf,
  watchIngress,
  type RealWorld,
} from '../lib/real-world.ts';
import type { V1Ingress } from '@kubernetes/client-node';

/** Health of every backend of `cluster` in the Ingress's status, or undefined while any is unknown. */
function clusterHealth(ingress: V1Ingress | undefined, cluster: string): { healthy: number }[] | undefined {
  const c = statusOf(ingress)?.clusters.find((x) => x.name === cluster);
  if (!c || c.backends.length === 0) return undefined;
  const health = c.backends.map((b) => b.health);
  return health.every((h) => h !== undefined) ? (health as { healthy: number }[]) : undefined;
}

/** Groups `getHealth` call times into rounds (a gap longer than half the period starts a new one). */
export function healthRounds(times: readonly number[], periodMs: number): { start: number; end: number }[] {
  const rounds: { start: number; end: number }[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const last = rounds.at(-1);
    if (last && t - last.end < periodMs / 2) last.end = t;
    else rounds.push({ start: t, end: t });
  }
  return rounds;
}

/** The longest reconcile of `key` logged between two wall-clock times (ms), from JSON log lines. */
export function longestReconcile(logText: string, key: string, from: number, to: number): number | undefined {
  let longest: number | undefined;
  for (const line of logText.split('\n')) {
    if (!line.includes('"message":"reconciled"') || !line.includes(`"ingress":"${key}"`)) continue;
    try {
      const entry = JSON.parse(line) as { ms?: number; timestamp?: string };
      const at = Date.parse(entry.timestamp ?? '');
      if (at >= from && at <= to && typeof entry.ms === 'number') longest = Math.max(longest ?? 0, entry.ms);
    } catch {
      // A line cut by a concurrent write: not a reconcile record.
    }
  }
  return longest;
}

/** Runs scenario 6 on the real world (creating the Ingress `shop` if scenario 1 did not). */
export async function runFailover(rw: RealWorld, log: ProgressLog): Promise<ScenarioReport> {
  const started = performance.now();
  const { world, kc, networking } = rw;
  const ns = world.ns;
  world.emulator.setConfig({ opLatency: 0 });
  const clusters = Object.values(rw.clusters);
  const existing = await networking
    .readNamespacedIngress({ name: 'shop', namespace: ns })
    .catch(() => undefined);
  if (!isConverged(existing, clusters)) await createAndConverge(rw, 'shop', 'shop.example.com', 180_000);
  const member = MEMBERS[MEMBERS.length - 1]!;
  const cluster = rw.clusters[member]!;
  await pollUntil(
    'health of every cluster in the status',
    async () => {
      const ing = await networking.readNamespacedIngress({ name: 'shop', namespace: ns });
      return clusters.every((c) => clusterHealth(ing, c)?.every((h) => h.healthy > 0)) ? true : undefined;
    },
    60_000,
  );
  log(`  status shows every cluster healthy; making ${member}'s pods unready`);

  const watch = watchIngress(
    kc,
    ns,
    'shop',
    (ing) => clusterHealth(ing, cluster)?.every((h) => h.healthy === 0) ?? false,
    60_000,
  );
  await watch.ready;
  const wall0 = Date.now();
  const t0 = performance.now();
  await world.sims.get(member).setReady({ namespace: ns, labels: { app: 'shop' } }, false);
  const { at } = await watch.done;
  const figure = at - t0;
  const wall1 = Date.now();

  const healthCalls = world.emulator
    .calls()
    .filter((c) => c.method.endsWith('.getHealth'))
    .map((c) => Date.parse(c.at))
    .filter((t) => t >= wall0 - 3 * HEALTH_POLL_PERIOD_MS && t <= wall1);
  const rounds = healthRounds(healthCalls, HEALTH_POLL_PERIOD_MS);
  const roundMs = Math.max(0, ...rounds.map((r) => r.end - r.start));
  const reconcileMs = longestReconcile(rw.controller.log(), `${ns}/shop`, wall0, wall1 + 1000) ?? 0;
  const bound = HEALTH_POLL_PERIOD_MS + roundMs + reconcileMs;
  log(`  unhealthy in status after ${figure.toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
  return {
    scenario: 6,
    title: 'Failover visibility',
    rows: [
      row({
        name: "6. one cluster's pods unready → status shows it unhealthy",
        figure,
        unit: 'ms',
        bound,
        goal: { on: 'ratio', op: '<=', value: 1 },
      }),
    ],
    notes: [
      `6: all real (same world as 1a). Every pod of ${member} made unready through its kubelet simulator; ends at the watch event whose status shows no healthy backend in that cluster. Bound = health-poll period ${HEALTH_POLL_PERIOD_MS} ms + one round of getHealth calls (${roundMs.toFixed(0)} ms, from the emulator's call log) + one reconcile (${reconcileMs} ms, from the controller's log).`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
