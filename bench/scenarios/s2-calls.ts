/**
 * Scenario 2, calls: what the controller sends GCE, counted in the emulator's call log.
 * - A fresh create: writes against the resources created (goal: one write per resource).
 * - An unchanged resync of 1,000 Ingresses, after the resync timer dropped the cache: zero
 *   writes, and reads no more than one per 500 resources plus one per resource type (no zonal
 *   type is observed).
 * - The backend-health loop, apart: getHealth calls per round against one per backend service
 *   and group.
 * The reconcile, MemberManager, GCE client, work queue and health loop are the controller's; the
 * registry and the member facts are in memory (bench/lib/fleet.ts).
 */
import { from } from 'rxjs';
import { BackendRegistry, startHealthLoop } from '../../src/controller/health-loop.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../../src/model/gce.ts';
import { countCalls, mark } from '../lib/calls.ts';
import { fleetGceClient } from '../lib/gce-world.ts';
import type { ProgressLog } from '../lib/log.ts';
import { describeErrors, runQueue } from '../lib/queue.ts';
import { row, type ScenarioReport, type ScenarioRow } from '../lib/result.ts';
import { translateFleetIngress } from '../lib/seed.ts';
import { FLEET_SIZE, FRESH, type FleetWorld } from './fleet-world.ts';

/** Resources per list page (the client's page size, GCE's maximum). */
const PAGE = 500;
/** The controller's default read budget and health-poll period (its flags' defaults). */
const DEFAULT_READS_PER_MINUTE = 1200;
const DEFAULT_HEALTH_PERIOD_S = 60;

/** Runs scenario 2 on the fleet (creating the fresh Ingresses on the way). */
export async function runCalls(world: FleetWorld, log: ProgressLog): Promise<ScenarioReport> {
  const started = performance.now();
  const { emulator, fleet } = world;
  const gce = fleetGceClient(emulator);
  const backends = new BackendRegistry();
  const deps = fleet.deps(gce, { onBackends: (key, b) => backends.set(key, b) });
  const rows: ScenarioRow[] = [];
  const keys = fleet.keys();

  // Fresh create: the first FRESH Ingresses do not exist in GCE yet.
  const fresh = keys.slice(0, FRESH);
  const resources = fresh.reduce(
    (n, key) => n + translateFleetIngress(fleet, key).desired.filter((d) => !d.external).length,
    0,
  );
  let m = mark(emulator);
  let t0 = performance.now();
  const created = await runQueue(deps, from(fresh));
  if (created.errors.length > 0) throw new Error(`fresh create failed: ${describeErrors(created)}`);
  world.freshCreated = true;
  const createCalls = countCalls(m.since());
  const createReads = createCalls.lists + createCalls.gets + createCalls.operationReads;
  log(
    `  fresh create of ${FRESH}: ${createCalls.writes} writes for ${resources} resources in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  rows.push(
    row({
      name: `2a. fresh create (${FRESH} Ingresses): writes`,
      figure: createCalls.writes,
      unit: 'calls',
      bound: resources,
      goal: { on: 'ratio', op: '=', value: 1 },
    }),
    row({
      name: `2b. fresh create (${FRESH} Ingresses): reads`,
      figure: createReads,
      unit: 'calls',
      bound: resources,
      goal: { on: 'none', why: 'reported' },
    }),
  );

  // Unchanged resync: the resync timer drops the cache once, then every key runs.
  const ours = (await gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh: true })).length;
  const perKind = new Map<string, number>();
  for (const r of await gce.observe(KINDS_IN_DEPENDENCY_ORDER))
    perKind.set(r.kind, (perKind.get(r.kind) ?? 0) + 1);
  const pages = [...perKind.values()].reduce((n, k) => n + Math.ceil(k / PAGE), 0);
  const bound = Math.ceil(ours / PAGE) + KINDS_IN_DEPENDENCY_ORDER.length;
  gce.refresh();
  const writesBefore = fleet.counters.statusWrites;
  m = mark(emulator);
  t0 = performance.now();
  const resync = await runQueue(deps, from(keys));
  if (resync.errors.length > 0) throw new Error(`resync failed: ${describeErrors(resync)}`);
  const resyncSeconds = (performance.now() - t0) / 1000;
  const resyncCalls = countCalls(m.since());
  const resyncReads = resyncCalls.lists + resyncCalls.gets + resyncCalls.operationReads;
  const statusWrites = fleet.counters.statusWrites - writesBefore;
  log(
    `  resync of ${FLEET_SIZE}: ${resyncCalls.writes} writes, ${resyncReads} reads (${resyncCalls.lists} lists) in ${resyncSeconds.toFixed(1)} s`,
  );
  rows.push(
    row({
      name: `2c. unchanged resync (${FLEET_SIZE} Ingresses): writes`,
      figure: resyncCalls.writes + resyncCalls.rejectedWrites,
      unit: 'calls',
      bound: null,
      goal: { on: 'figure', op: '=', value: 0 },
    }),
    row({
      name: `2d. unchanged resync (${FLEET_SIZE} Ingresses): reads`,
      figure: resyncReads,
      unit: 'calls',
      bound,
      goal: { on: 'ratio', op: '<=', value: 1 },
    }),
    row({
      name: `2e. unchanged resync (${FLEET_SIZE} Ingresses): status writes`,
      figure: statusWrites,
      unit: 'writes',
      bound: null,
      goal: { on: 'figure', op: '=', value: 0 },
    }),
  );

  // The health loop, on its own: one round over every backend the resync reported.
  const groups = backends
    .entries()
    .reduce(
      (n, [, list]) => n + list.reduce((k, b) => k + b.clusters.reduce((g, c) => g + c.groups.length, 0), 0),
      0,
    );
  const loop = startHealthLoop({
    gce,
    backends,
    periodMs: 3_600_000,
    log: silentLogger,
    onChange: () => undefined,
  });
  m = mark(emulator);
  t0 = performance.now();
  await loop.pollOnce();
  loop.stop();
  const roundSeconds = (performance.now() - t0) / 1000;
  const health = countCalls(m.since());
  const atBudget = health.getHealth / (DEFAULT_READS_PER_MINUTE / 60);
  log(`  health round: ${health.getHealth} getHealth for ${groups} groups in ${roundSeconds.toFixed(1)} s`);
  rows.push(
    row({
      name: '2f. health loop: getHealth calls per round',
      figure: health.getHealth + health.gets + health.lists,
      unit: 'calls',
      bound: groups,
      goal: { on: 'ratio', op: '=', value: 1 },
    }),
    row({
      name: '2g. health round at the default read budget (derived)',
      figure: atBudget,
      unit: 's',
      bound: DEFAULT_HEALTH_PERIOD_S,
      goal: { on: 'none', why: 'reported' },
    }),
  );

  return {
    scenario: 2,
    title: 'Calls',
    rows,
    notes: [
      `2: real reconcile, MemberManager, GCE client (unlimited client budget: counts do not depend on it), work queue (concurrency 4) and health loop, against the emulator; synthetic: member facts fed as data (no member apiserver), registry in memory. ${FLEET_SIZE} Ingresses × 2 clusters × 2 Services, HTTP + HTTPS; ${FLEET_SIZE - FRESH} seeded converged through the emulator (limits off) before measuring.`,
      `2a-2b: ${FRESH} Ingresses created through the controller on top of the seeded ones; bound = resources created (${resources}). Reads: lists of a cold cache plus one get per written resource (a write marks its name stale in the cache).`,
      `2c-2e: the resync timer's cache drop, then all ${FLEET_SIZE} keys; bound = ⌈${ours} resources / ${PAGE}⌉ + ${KINDS_IN_DEPENDENCY_ORDER.length} types = ${bound} (exact pages per type: ${pages}). Took ${resyncSeconds.toFixed(1)} s, CPU-bound (see 5).`,
      `2f-2g: one round over the ${groups} backend groups, ${roundSeconds.toFixed(1)} s unthrottled; at the default read budget (${DEFAULT_READS_PER_MINUTE}/min) the same round needs ${atBudget.toFixed(0)} s against the default ${DEFAULT_HEALTH_PERIOD_S} s period.`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
