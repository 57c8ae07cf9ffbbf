import type { GceClient } from '../gce/gce-client.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../model/gce.ts';
import type { DesiredResource, ObservedResource } from '../model/gce.ts';
import type { CheckedPlan } from '../model/plan.ts';
import { isOwnedBy, ownerKey } from '../naming/ownership.ts';
import { plan } from '../plan/plan.ts';
import { applyPlan, type ApplyResult } from './apply-plan.ts';

/** What to bring GCE to: one Ingress's desired graph (empty to tear it down). */
export interface SyncInput {
  readonly instanceId: string;
  readonly ingress: { readonly namespace: string; readonly name: string };
  readonly desired: readonly DesiredResource[];
}

/** Options for {@link syncLoadBalancer}. */
export interface SyncOptions {
  /** Plan only; write nothing. */
  readonly dryRun?: boolean;
  /** Observe-plan-apply rounds when GCE turned out to differ from what was observed. */
  readonly maxRounds?: number;
  /** Steps in flight at once. */
  readonly concurrency?: number;
  /** Re-list instead of trusting the cache (a periodic resync does this to catch drift). */
  readonly refresh?: boolean;
}

/** What a sync found and did. */
export interface SyncResult {
  /** The last plan made. */
  readonly plan: CheckedPlan;
  /** The last apply; undefined when the plan had problems and nothing was applied. */
  readonly apply?: ApplyResult;
  readonly rounds: number;
  /** Our resources for this Ingress as observed before the last plan. */
  readonly observed: readonly ObservedResource[];
  /** True when GCE now matches the desired graph (or, in a dry run, when nothing would change). */
  readonly converged: boolean;
}

/**
 * Brings one Ingress's load balancer to `desired`: observe (our resources of this Ingress, the
 * desired names whoever owns them, and the external resources it uses), plan, apply; and again
 * with a fresh observation when the apply reports that GCE moved under it (412, 409, 404), up to
 * `maxRounds`. Never throws for GCE failures: they are in `apply.failures`. Throws PlanInputError
 * on a malformed desired graph.
 */
export async function syncLoadBalancer(
  gce: GceClient,
  input: SyncInput,
  opts: SyncOptions = {},
): Promise<SyncResult> {
  const maxRounds = opts.maxRounds ?? 3;
  let refresh = opts.refresh ?? false;
  for (let round = 1; ; round++) {
    const observed = await observeFor(gce, input, refresh);
    const checked = plan(observed, input.desired, { instanceId: input.instanceId, ingress: input.ingress });
    if (checked.problems.length > 0) {
      return { plan: checked, rounds: round, observed, converged: false };
    }
    const apply = await applyPlan(checked, gce, { dryRun: opts.dryRun, concurrency: opts.concurrency });
    const changes = checked.steps.some((s) => s.op !== 'nothing');
    if (apply.needsReplan && round < maxRounds && !opts.dryRun) {
      refresh = true;
      continue;
    }
    const converged = opts.dryRun ? !changes : apply.ok && !apply.needsReplan;
    return { plan: checked, apply, rounds: round, observed, converged };
  }
}

async function observeFor(gce: GceClient, input: SyncInput, refresh: boolean): Promise<ObservedResource[]> {
  const owner = { instanceId: input.instanceId, ...input.ingress };
  // Through the client's owner index: the cost grows with this Ingress's resources, not the
  // fleet's. The filter stays for clients without the index (it returns everything then).
  const mine = (await gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh, owner: ownerKey(owner) })).filter(
    (r) => isOwnedBy(r.body.description, input.instanceId, input.ingress),
  );
  // A desired name held by someone else, and the external resources (an adopted static IP,
  // pre-shared certificates, another prefix), are read by name: plan must see them.
  const seen = new Set(mine.map((r) => `${r.kind}/${r.name}`));
  const others = input.desired.filter((d) => !seen.has(`${d.kind}/${d.name}`));
  const found = await Promise.all(
    others.map((d) => gce.get(d.kind, d.name, { fresh: refresh && d.external === true })),
  );
  return [...mine, ...found.filter((r): r is ObservedResource => r !== undefined)];
}
