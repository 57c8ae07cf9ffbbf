/**
 * Scenario 5's measured process: the controller's caches, pipeline and reconcile with N
 * multicluster Ingresses and 50 clusters, started as a controller restarting into a converged
 * world would start. Its own process, so its resident memory is its own. Prints one JSON line.
 *
 *   node --expose-gc bench/scenarios/s5-scale-child.ts --ingresses FILE --endpoint URL
 *        --sample K [--full] [--throughput M]
 *
 * Real: the registry's cache contents (the Ingresses, with the status they converged to), the GCE
 * client (cache, paging, the controller's default request budget), mergeTriggers, the work queue
 * reconcileIngress and the MemberManager. Synthetic: member facts (data for 50 clusters), the Ingress informer (an
 * in-memory list delivered as `added` events), and the GCE reads (a snapshot front, see
 * bench/lib/snapshot-front.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Subscription, defer, from } from 'rxjs';
import { reconcileIngress } from '../../src/controller/reconcile-ingress.ts';
import { KINDS_IN_DEPENDENCY_ORDER, type ObservedResource } from '../../src/model/gce.ts';
import type { MemberFacts } from '../../src/model/member-facts.ts';
import { parseOwnership } from '../../src/naming/ownership.ts';
import { DEFAULT_BACKOFF, mergeTriggers, workQueue } from '../../src/pipeline/index.ts';
import { plan } from '../../src/plan/plan.ts';
import { isMulticlusterIngress } from '../../src/translate/ingress-class.ts';
import { ingressSelectsCluster } from '../../src/translate/select-clusters.ts';
import { translate } from '../../src/translate/translate.ts';
import { Fleet, type StoredIngress } from '../lib/fleet.ts';
import { CallTally, controllerBudget, fleetGceClient } from '../lib/gce-world.ts';
import { scaleSpec } from '../lib/scale-fleet.ts';

/** What the child reports (all times in ms since the process started). */
export interface ScaleChildReport {
  readonly ingresses: number;
  /** Node started and every module loaded. */
  readonly bootMs: number;
  /** The last list page of the first observe arrived. */
  readonly listsDoneMs: number;
  /** The first reconcile finished. */
  readonly firstMs: number;
  /** The K-th reconcile finished. */
  readonly sampleMs: number;
  readonly sample: number;
  /** Every key reconciled once (with --full). */
  readonly fullMs?: number;
  /** Once the pipeline stopped (after the sample, or the full resync), at rest. */
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Translate + plan of M Ingresses, CPU seconds (user + system). */
  readonly throughputCount: number;
  readonly throughputCpuSeconds: number;
  readonly lists: number;
  readonly gets: number;
  readonly writes: number;
  readonly errors: number;
  readonly resources: number;
}

const bootMs = performance.now();

/**
 * Memory once the process is at rest: a full GC, a pause for V8 to hand freed pages back (its
 * memory reducer runs on a timer), another full GC. Without the pause, RSS still holds the list
 * responses' garbage in pages V8 has not returned yet, and varies from run to run.
 */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  gc?.();
  return process.memoryUsage();
}

async function main(): Promise<ScaleChildReport> {
  const { values } = parseArgs({
    options: {
      ingresses: { type: 'string' },
      endpoint: { type: 'string' },
      sample: { type: 'string', default: '300' },
      full: { type: 'boolean', default: false },
      throughput: { type: 'string', default: '2000' },
    },
  });
  if (!values.ingresses || !values.endpoint) throw new Error('--ingresses and --endpoint are required');
  const stored = JSON.parse(readFileSync(values.ingresses, 'utf8')) as StoredIngress[];
  const n = stored.length;
  const fleet = new Fleet({ ...scaleSpec(0) });
  for (const ing of stored) fleet.ingresses.set(`${ing.metadata.namespace}/${ing.metadata.name}`, ing);
  const sample = Math.min(n, Number(values.sample));

  const tally = new CallTally();
  const gce = fleetGceClient(values.endpoint, { budget: controllerBudget(600, 1200), tally });
  const deps = fleet.deps(gce);

  let firstMs = 0;
  let sampleMs = 0;
  let fullMs: number | undefined;
  let finished = 0;
  let errors = 0;
  const pipeline = new Subscription();
  await new Promise<void>((resolve) => {
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
          }),
        )
        .subscribe((r) => {
          finished++;
          if (r.outcome.kind === 'error') errors++;
          if (finished === 1) firstMs = performance.now();
          if (finished === sample) {
            sampleMs = performance.now();
            if (!values.full) resolve();
          }
          if (finished === n) {
            fullMs = performance.now();
            resolve();
          }
        }),
    );
    fleet.emitAll();
  });
  pipeline.unsubscribe();
  const memory = await settledMemory();
  const listsDoneMs = Math.max(
    0,
    ...tally.records.filter((r) => r.method.endsWith('.list')).map((r) => r.at),
  );

  // Translate + plan alone, on what the cache holds, for the first M Ingresses.
  const all = await gce.observe(KINDS_IN_DEPENDENCY_ORDER);
  const byOwner = new Map<string, ObservedResource[]>();
  for (const r of all) {
    const o = parseOwnership(r.body.description);
    if (!o) continue;
    const key = `${o.namespace}/${o.name}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), r]);
  }
  const registry = fleet.registry();
  const keys = fleet.keys().slice(0, Math.min(n, Number(values.throughput)));
  const cpu0 = process.cpuUsage();
  for (const key of keys) {
    const [namespace = '', name = ''] = key.split('/');
    const ingress = registry.ingress(namespace, name)!;
    const memberFacts: Record<string, MemberFacts | undefined> = {};
    for (const c of registry.clusters()) memberFacts[c.name] = fleet.facts(c.name, namespace);
    const result = translate(
      {
        ingress,
        clusters: registry.clusters(),
        memberFacts,
        secrets: { 'shop-tls': registry.secret(namespace, 'shop-tls') },
      },
      deps.translateOptions,
    );
    plan(byOwner.get(key) ?? [], result.desired, {
      instanceId: deps.translateOptions.instanceId,
      ingress: { namespace, name },
    });
  }
  const cpu = process.cpuUsage(cpu0);

  const count = (re: RegExp) => tally.records.filter((r) => re.test(r.method)).length;
  return {
    ingresses: n,
    bootMs,
    listsDoneMs,
    firstMs,
    sampleMs,
    sample,
    ...(fullMs !== undefined ? { fullMs } : {}),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    throughputCount: keys.length,
    throughputCpuSeconds: (cpu.user + cpu.system) / 1e6,
    lists: count(/\.list$/),
    gets: count(/\.get$/),
    writes: tally.records.filter((r) => r.group === 'write').length,
    errors,
    resources: all.length,
  };
}

main().then(
  (report) => {
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`scale child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
