import { syncLoadBalancer } from '../apply/sync-load-balancer.ts';
import type { GceClient } from '../gce/gce-client.ts';
import type { Logger } from '../log/logger.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../model/gce.ts';
import { parseOwnership } from '../naming/ownership.ts';

/** What one sweep found and did. */
export interface SweepResult {
  /** `namespace/name` of Ingresses whose resources were (or, in a dry run, would be) removed. */
  readonly orphans: readonly string[];
  readonly deleted: number;
  readonly failed: number;
}

/** Options for {@link sweepOrphans}. */
export interface SweepOptions {
  readonly gce: GceClient;
  readonly instanceId: string;
  /** Whether the Ingress still exists (from the synced registry cache). */
  readonly ingressExists: (namespace: string, name: string) => boolean;
  readonly dryRun: boolean;
  /** At most this many Ingresses' resources per sweep, so a sweep never floods the write quota. */
  readonly maxIngresses?: number;
  readonly log: Logger;
}

/**
 * Removes our GCE resources whose Ingress no longer exists (deleted while the controller was
 * down, or its finalizer removed by hand). Only resources whose ownership marker names our
 * instance are considered; another instance's or a foreign resource is never touched. The caller
 * must only sweep once the Ingress cache has synced, or every load balancer looks orphaned.
 */
export async function sweepOrphans(opts: SweepOptions): Promise<SweepResult> {
  const observed = await opts.gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh: true });
  const owners = new Map<string, { namespace: string; name: string }>();
  for (const r of observed) {
    const owner = parseOwnership(r.body.description);
    if (!owner || owner.instanceId !== opts.instanceId) continue;
    if (opts.ingressExists(owner.namespace, owner.name)) continue;
    owners.set(`${owner.namespace}/${owner.name}`, { namespace: owner.namespace, name: owner.name });
  }
  const orphans = [...owners.keys()].sort().slice(0, opts.maxIngresses ?? 10);
  let deleted = 0;
  let failed = 0;
  for (const key of orphans) {
    const ingress = owners.get(key)!;
    const result = await syncLoadBalancer(
      opts.gce,
      { instanceId: opts.instanceId, ingress, desired: [] },
      { dryRun: opts.dryRun },
    );
    const deletes = result.plan.steps.filter((s) => s.op === 'delete');
    if (opts.dryRun) {
      opts.log.info('orphan sweep (dry run): would delete', {
        ingress: key,
        resources: deletes.map((s) => `${s.kind}/${s.name}`),
      });
      continue;
    }
    if (result.apply?.ok) {
      deleted += deletes.length;
      opts.log.info('orphan sweep: deleted the load balancer of a deleted Ingress', {
        ingress: key,
        resources: deletes.length,
      });
    } else {
      failed++;
      opts.log.warn('orphan sweep: could not delete everything', {
        ingress: key,
        error: result.apply?.failures[0]?.error ?? result.plan.problems[0]?.message,
      });
    }
  }
  return { orphans, deleted, failed };
}
