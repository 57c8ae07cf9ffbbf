/**
 * Scenario 5, scale and memory: the controller with 1,000, 5,000 and 10,000 multicluster
 * Ingresses over 50 clusters in its caches, each size in its own process (s5-scale-child.ts):
 * resident memory and how it grows (goal: linear, ≤ 30 KB per Ingress), start-up to the first full
 * resync, translate+plan throughput per core, and how a reconcile's cost grows with the fleet.
 *
 * What is synthetic: member facts (data for the MemberManager, no member apiservers); the load balancers are seeded
 * through the emulator's request pipeline with its limits off, in shards of 1,000 (the emulator
 * scans every resource per address and per forwarding rule, so one emulator cannot take 120,000
 * resources in reasonable time), and the child reads them from a snapshot of what the emulator
 * stored (bench/lib/snapshot-front.ts). At 5,000 and 10,000 the full resync is projected from a
 * sample of reconciles, because at this commit one takes too long to run in the budget.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemberManager } from '../../src/controller/member-manager.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { Fleet, INSTANCE_ID, PROJECT } from '../lib/fleet.ts';
import { startFleetEmulator } from '../lib/gce-world.ts';
import type { ProgressLog } from '../lib/log.ts';
import { row, type ScenarioReport } from '../lib/result.ts';
import { SCALE_CLUSTERS, scaleSpec, vipOf } from '../lib/scale-fleet.ts';
import { seedLoadBalancers, seedNegs } from '../lib/seed.ts';
import { Snapshot, startSnapshotFront } from '../lib/snapshot-front.ts';
import type { ScaleChildReport } from './s5-scale-child.ts';

/** Fleet sizes measured, smallest first (each builds on the previous one's seeding). */
export const SIZES = [1000, 5000, 10_000] as const;
/** Reconciles timed per size (the 1,000 run also goes on to its full resync). */
const SAMPLE = 100;
/** Ingresses whose translate + plan is timed for the throughput. */
const THROUGHPUT_SAMPLE = 2000;
/**
 * Seeding shard: the emulator scans every resource for each address and forwarding rule it
 * inserts, so seeding costs the square of the shard; 250 keeps each shard well under a second.
 */
const SHARD = 250;
/** The controller's default resync period: a full resync must fit in it. */
const RESYNC_PERIOD_S = 600;
/** Goal: memory per Ingress. */
const MAX_KB_PER_INGRESS = 30;

const CHILD = fileURLToPath(new URL('./s5-scale-child.ts', import.meta.url));

function runChild(args: readonly string[]): Promise<ScaleChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`scale child exited ${code}: ${err.slice(-2000)}`));
      else {
        try {
          resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ScaleChildReport);
        } catch (e) {
          reject(
            new Error(`scale child printed no report: ${out.slice(-500)} ${err.slice(-1000)}`, { cause: e }),
          );
        }
      }
    });
  });
}

/**
 * Milliseconds one MemberManager.sync takes once `n` Ingresses (five clusters each) are known:
 * the member bookkeeping every reconcile does twice. Timed over re-syncs of known Ingresses with
 * unchanged needs (what a resync does), for at least `minMs` so that a fast one is not noise.
 */
export async function memberSyncMs(n: number, minMs = 300): Promise<number> {
  const sessions = {
    session: () => ({ facts: () => ({ reachable: true }), setNeeds: () => undefined }),
    target: () => undefined,
  };
  const mm = new MemberManager({ sessions, instanceId: INSTANCE_ID, log: silentLogger });
  const want = (i: number) => ({
    ingress: {},
    mode: 'neg' as const,
    clusters: Array.from({ length: 5 }, (_, c) => `c${c * 10 + (i % 10)}`),
    services: ['api', 'web'],
    derivedServices: [],
  });
  const opts = { removeLeaving: false, dryRun: false };
  for (let i = 0; i < n; i++) await mm.sync(`team-${i % 10}/shop-${i}`, want(i), opts);
  const t0 = performance.now();
  let probes = 0;
  while (probes < 20 || (performance.now() - t0 < minMs && probes < 100_000)) {
    const i = probes++ % n;
    await mm.sync(`team-${i % 10}/shop-${i}`, want(i), opts);
  }
  return (performance.now() - t0) / probes;
}

/** Runs scenario 5. */
export async function runScale(log: ProgressLog): Promise<ScenarioReport> {
  const started = performance.now();
  // First, while this process's heap is small: the bookkeeping allocates many short-lived Maps,
  // and a heap holding the seeded fleet would make its garbage collection the figure.
  const member100 = await memberSyncMs(100);
  const member400 = await memberSyncMs(400);
  log(
    `  member bookkeeping per sync: ${(member100 * 1000).toFixed(1)} µs at 100, ${(member400 * 1000).toFixed(1)} µs at 400`,
  );
  const largest = SIZES[SIZES.length - 1]!;
  const fleet = new Fleet(scaleSpec(largest));
  const keys = fleet.keys();
  const index = new Map(keys.map((k, i) => [k, i]));
  const snapshot = new Snapshot();
  const dir = mkdtempSync(join(tmpdir(), 'kubemci-bench-'));
  const emulator = await startFleetEmulator(0);
  const reports = new Map<number, ScaleChildReport>();
  try {
    let seeded = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      while (seeded < size) {
        emulator.reset();
        await seedNegs(emulator, scaleSpec(0));
        const shard = keys.slice(seeded, seeded + SHARD);
        await seedLoadBalancers(emulator, fleet, shard, {
          converged: true,
          addressIp: (k) => vipOf(index.get(k) ?? 0),
        });
        snapshot.addFrom(emulator);
        seeded += shard.length;
      }
      log(
        `  ${size} load balancers seeded (${snapshot.size} resources) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      const file = join(dir, `ingresses-${size}.json`);
      writeFileSync(file, JSON.stringify(keys.slice(0, size).map((k) => fleet.ingresses.get(k))));
      const front = await startSnapshotFront(snapshot, PROJECT);
      try {
        const report = await runChild([
          '--ingresses',
          file,
          '--endpoint',
          front.endpoint,
          '--sample',
          String(SAMPLE),
          '--throughput',
          String(THROUGHPUT_SAMPLE),
          ...(size === SIZES[0] ? ['--full'] : []),
        ]);
        if (front.counts.refused > 0 || report.writes > 0) {
          throw new Error(`the restarted controller tried to write (${front.counts.refused} refused calls)`);
        }
        reports.set(size, report);
        log(
          `  ${size}: rss ${(report.rssBytes / 2 ** 20).toFixed(0)} MB, lists done ${(report.listsDoneMs / 1000).toFixed(1)} s, ` +
            `${SAMPLE} reconciles in ${((report.sampleMs - report.firstMs) / 1000).toFixed(1)} s` +
            (report.fullMs ? `, full resync at ${(report.fullMs / 1000).toFixed(1)} s` : ''),
        );
      } finally {
        await front.close();
      }
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const small = reports.get(SIZES[0])!;
  const middle = reports.get(SIZES[1])!;
  const big = reports.get(largest)!;
  const mb = (b: number) => b / 2 ** 20;
  const perIngressKb = (big.rssBytes - small.rssBytes) / 1024 / (largest - SIZES[0]);
  const line =
    small.rssBytes + ((big.rssBytes - small.rssBytes) * (SIZES[1] - SIZES[0])) / (largest - SIZES[0]);
  const deviation = (100 * Math.abs(middle.rssBytes - line)) / Math.max(1, big.rssBytes - small.rssBytes);
  const perReconcile = (r: ScaleChildReport) => (r.sampleMs - r.firstMs) / (r.sample - 1);
  const projected = (r: ScaleChildReport) => r.firstMs + (r.ingresses - 1) * perReconcile(r);
  const tpPerIngressMs = (r: ScaleChildReport) => (1000 * r.throughputCpuSeconds) / r.throughputCount;
  const floor = (r: ScaleChildReport) => r.listsDoneMs + r.ingresses * tpPerIngressMs(r);
  const throughput = big.throughputCount / big.throughputCpuSeconds;
  const fullSmall = small.fullMs ?? projected(small);

  return {
    scenario: 5,
    title: 'Scale and memory',
    rows: [
      row({
        name: `5a. resident memory, ${largest} Ingresses × ${SCALE_CLUSTERS} clusters`,
        figure: mb(big.rssBytes),
        unit: 'MiB',
        bound: null,
        goal: { on: 'none', why: 'reported' },
      }),
      row({
        name: `5b. memory per Ingress, ${SIZES[0]} → ${largest}`,
        figure: perIngressKb,
        unit: 'KiB',
        bound: MAX_KB_PER_INGRESS,
        goal: { on: 'ratio', op: '<=', value: 1 },
      }),
      row({
        name: `5c. memory at ${SIZES[1]} off the ${SIZES[0]}–${largest} line`,
        figure: deviation,
        unit: '% of growth',
        bound: 10,
        goal: { on: 'ratio', op: '<=', value: 1 },
      }),
      row({
        name: `5d. start-up to first full resync, ${SIZES[0]} Ingresses`,
        figure: fullSmall / 1000,
        unit: 's',
        bound: floor(small) / 1000,
        goal: { on: 'none', why: 'reported' },
      }),
      row({
        name: `5e. start-up to first full resync, ${largest} Ingresses (projected)`,
        figure: projected(big) / 1000,
        unit: 's',
        bound: floor(big) / 1000,
        goal: { on: 'none', why: 'reported' },
      }),
      row({
        name: `5f. translate+plan throughput per core, ${largest} Ingresses`,
        figure: throughput,
        unit: 'Ingresses/s',
        bound: largest / RESYNC_PERIOD_S,
        goal: { on: 'ratio', op: '>=', value: 1 },
      }),
      row({
        name: `5g. reconcile time per Ingress, ${largest} vs ${SIZES[0]} Ingresses`,
        figure: perReconcile(big),
        unit: 'ms',
        bound: perReconcile(small),
        goal: { on: 'ratio', op: '<=', value: 1.5 },
      }),
      row({
        name: '5h. member bookkeeping per reconcile, 400 vs 100 Ingresses',
        figure: member400 * 1000,
        unit: 'µs',
        bound: member100 * 1000,
        goal: { on: 'ratio', op: '<=', value: 1.5 },
      }),
    ],
    notes: [
      `5: each size in its own Node process (--expose-gc; memory at rest: full GC, 2 s pause, full GC, once the pipeline stopped after ${SAMPLE} reconciles, or after the full resync at ${SIZES[0]}): the registry cache holds the Ingresses with the status they converged to, the GCE client's cache every load-balancer resource (12 per Ingress), member facts for ${SCALE_CLUSTERS} clusters × 10 namespaces; each Ingress selects 5 clusters. Real: GCE client (default budget 1,200 reads/min), mergeTriggers, work queue (concurrency 4), reconcile, MemberManager. Synthetic: member facts as data (no member apiserver); the informer's initial list as in-memory events; GCE reads from a read-only snapshot of the emulator's own stored bodies (the emulator's list path is quadratic in the resources it holds), seeded in shards of ${SHARD} with its limits off. The restarted controller made ${big.writes} writes (any would have been refused and failed the run).`,
      `5a-5c: RSS ${mb(small.rssBytes).toFixed(0)} / ${mb(middle.rssBytes).toFixed(0)} / ${mb(big.rssBytes).toFixed(0)} MiB at ${SIZES.join(' / ')} Ingresses (heap ${mb(small.heapUsedBytes).toFixed(0)} / ${mb(middle.heapUsedBytes).toFixed(0)} / ${mb(big.heapUsedBytes).toFixed(0)} MiB); 5c bound: within 10 % of the growth.`,
      `5d-5e: from process start; bound = the floor if a reconcile cost only its translate + plan: boot and lists (${(small.listsDoneMs / 1000).toFixed(1)} s and ${(big.listsDoneMs / 1000).toFixed(1)} s) + N × translate+plan CPU. 5d measured (the projection from its first ${SAMPLE} reconciles said ${(projected(small) / 1000).toFixed(1)} s); 5e projected: first reconcile at ${(big.firstMs / 1000).toFixed(1)} s + ${largest - 1} × ${perReconcile(big).toFixed(1)} ms.`,
      `5f: translate + plan of ${big.throughputCount} Ingresses on one core (CPU time); bound = what a full resync of ${largest} in the default ${RESYNC_PERIOD_S} s period needs. 5g: wall time per reconcile over ${SAMPLE} reconciles after the first (concurrency 4, one core busy); bound = the same at ${SIZES[0]}. 5h: one MemberManager.sync (twice per reconcile), re-syncing known Ingresses with unchanged needs as a resync does, with 400 Ingresses known against 100 (five clusters each, no member apiserver).`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
