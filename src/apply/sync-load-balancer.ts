import type { GceClient } from '../gce/gce-client.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../model/gce.ts';
import type { DesiredResource, ObservedResource } from '../model/gce.ts';
import type { CheckedPlan } from '../model/plan.ts';
import { isOwnedBy } from '../naming/ownership.ts';
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
  const all = await gce.observe(KINDS_IN_DEPENDENCY_ORDER, { refresh });
  const desiredNames = new Set(input.desired.map((d) => `${d.kind}/${d.name}`));
  const mine = all.filter(
    (r) =>
      isOwnedBy(r.body.description, input.instanceId, input.ingress) ||
      desiredNames.has(`${r.kind}/${r.name}`),
  );
  // External resources (an adopted static IP, pre-shared certificates) carry another prefix, so
  // the prefix-filtered observation does not hold them: read each by name.
  const seen = new Set(mine.map((r) => `${r.kind}/${r.name}`));
  const externals = input.desired.filter((d) => d.external && !seen.has(`${d.kind}/${d.name}`));
  const found = await Promise.all(externals.map((d) => gce.get(d.kind, d.name, { fresh: refresh })));
  return [...mine, ...found.filter((r): r is ObservedResource => r !== undefined)];
}
