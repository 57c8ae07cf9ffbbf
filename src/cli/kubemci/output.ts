/**
 * What the commands print: kubemci's status line and list table (scripts parse them), the plan of
 * a dry run as text or as JSON (each resource in the Compute API's own JSON shape, secrets
 * redacted), and per-cluster lines. Pure.
 */
import type { DesiredResource } from '../../model/gce.ts';
import type { CheckedPlan } from '../../model/plan.ts';
import { redactSecrets } from '../../model/secret-value.ts';
import type { TranslateResult } from '../../model/translate.ts';
import { countSteps, describePlan } from '../../plan/describe-plan.ts';
import type { LoadBalancerState } from './lb-state.ts';

/** kubemci's one-line status, e.g. `Load balancer shop has IPAddress 1.2.3.4 and is spread across 2 clusters (a,b)`. */
export function statusLine(
  lbName: string,
  ipAddress: string | undefined,
  clusters: readonly string[],
): string {
  return (
    `Load balancer ${lbName} has IPAddress ${ipAddress ?? '(none yet)'} and is spread across ` +
    `${clusters.length} clusters (${clusters.join(',')})`
  );
}

/** `get-status` as text: the status line, then namespace, mode, groups per cluster and resources. */
export function formatStatus(state: LoadBalancerState): string {
  const lines = [statusLine(state.name, state.ipAddress, state.clusters), `  Namespace: ${state.namespace}`];
  if (state.backendMode !== undefined) lines.push(`  Backend mode: ${state.backendMode}`);
  for (const [cluster, groups] of Object.entries(state.groups)) {
    lines.push(`  Cluster ${cluster === '' ? '(unknown)' : cluster}: ${groups.length} backend groups`);
    for (const group of groups) lines.push(`    ${shortGroup(group)}`);
  }
  lines.push(`  Resources (${state.resources.length}):`);
  for (const r of state.resources) lines.push(`    ${r.kind}/${r.name}`);
  return `${lines.join('\n')}\n`;
}

/** `list` as kubemci's table (NAME, IP, CLUSTERS) with the namespace last; or its empty message. */
export function formatList(states: readonly LoadBalancerState[]): string {
  if (states.length === 0) return 'No multicluster ingresses found.\n';
  const rows = [
    ['NAME', 'IP', 'CLUSTERS', 'NAMESPACE'],
    ...states.map((s) => [s.name, s.ipAddress ?? '', s.clusters.join(', '), s.namespace]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

/** A load balancer's state as JSON data, for `-o json`. */
export function statusJson(state: LoadBalancerState): Record<string, unknown> {
  return {
    name: state.name,
    namespace: state.namespace,
    ipAddress: state.ipAddress ?? null,
    clusters: state.clusters,
    backendMode: state.backendMode ?? null,
    groups: state.groups,
    resources: state.resources,
  };
}

/** What a plan report is about. */
export interface PlanContext {
  readonly lbName: string;
  readonly namespace: string;
  readonly project: string;
  readonly instanceId: string;
  readonly dryRun: boolean;
}

/**
 * The plan as JSON data: every step (bodies included, the form `apply` sends), the whole desired
 * graph in the Compute API's shape, and everything translate reported. Private keys show as
 * `[redacted]`.
 */
export function planJson(
  context: PlanContext,
  plan: CheckedPlan,
  desired: readonly DesiredResource[],
  translation: TranslateResult | undefined,
): Record<string, unknown> {
  return redactSecrets({
    loadBalancer: { name: context.lbName, namespace: context.namespace },
    project: context.project,
    instanceId: context.instanceId,
    dryRun: context.dryRun,
    changes: plan.steps.some((s) => s.op !== 'nothing'),
    counts: countSteps(plan),
    steps: plan.steps.map((s) => ({
      op: s.op,
      kind: s.kind,
      name: s.name,
      reason: s.reason,
      ...(s.method === undefined ? {} : { method: s.method }),
      dependsOn: s.dependsOn,
      ...(s.body === undefined ? {} : { body: s.body }),
    })),
    desired: desired.map((d) => ({
      kind: d.kind,
      name: d.name,
      ...(d.external ? { external: true } : {}),
      body: d.body,
    })),
    problems: plan.problems,
    ...(translation === undefined
      ? {}
      : {
          backendMode: translation.backendMode,
          clusters: translation.selectedClusters,
          errors: translation.errors.map((e) => ({ code: e.code, message: e.message, clusters: e.clusters })),
          clusterProblems: translation.clusterProblems,
          warnings: translation.warnings,
        }),
  });
}

/** The plan as text lines: a summary, then one line per change (`describePlan`). */
export function planText(context: PlanContext, plan: CheckedPlan): string[] {
  const counts = countSteps(plan);
  const changes = plan.steps.filter((s) => s.op !== 'nothing').length;
  const summary = Object.entries(counts)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  const head = context.dryRun ? 'Dry run: ' : '';
  return [
    `${head}load balancer ${context.lbName} (namespace ${context.namespace}): ` +
      (changes === 0 ? `no changes${summary ? ` (${summary})` : ''}` : summary),
    ...describePlan(plan).map((line) => `  ${line}`),
  ];
}

/** `zones/z/networkEndpointGroups/n` from a full group URL. */
export function shortGroup(group: string): string {
  return /zones\/[^/]+\/[A-Za-z]+\/[^/]+$/.exec(group)?.[0] ?? group;
}
