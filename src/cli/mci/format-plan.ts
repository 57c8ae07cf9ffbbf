/** What `kubectl mci plan NAME` prints. Pure. */
import { stringify } from 'yaml';
import type { MemberFailure } from './member-snapshot.ts';
import type { OutputFormat } from './options.ts';
import type { PlanDiff, ResourceChange } from './plan-diff.ts';
import type { Style } from './terminal.ts';

/** Everything plan found. */
export interface PlanReport {
  readonly namespace: string;
  readonly name: string;
  readonly instanceId: string;
  readonly project: string;
  /** Why the controller would tear the load balancer down, when it would. */
  readonly teardown?: string;
  readonly selectedClusters: readonly string[];
  /** When not empty, the controller makes no GCE call at all: there is no diff. */
  readonly translateErrors: readonly string[];
  readonly diff?: PlanDiff;
  readonly clusterProblems: readonly string[];
  readonly warnings: readonly string[];
  readonly members: readonly {
    readonly cluster: string;
    readonly kind: MemberFailure;
    readonly message: string;
  }[];
}

const SIGN: Record<ResourceChange['op'], string> = { create: '+', update: '~', recreate: '-/+', delete: '-' };

function paintOf(op: ResourceChange['op'], style: Style): (text: string) => string {
  return op === 'create' ? style.good : op === 'delete' || op === 'recreate' ? style.bad : style.warn;
}

/** `1 to create, 2 to update` ... for the changes of a diff. */
export function planSummary(diff: PlanDiff): string {
  const count = (op: ResourceChange['op']) => diff.changes.filter((c) => c.op === op).length;
  const parts = (['create', 'update', 'recreate', 'delete'] as const)
    .filter((op) => count(op) > 0)
    .map((op) => `${count(op)} to ${op}`);
  return `${parts.join(', ')}; ${diff.kept.length} unchanged`;
}

function memberNote(m: PlanReport['members'][number]): string {
  switch (m.kind) {
    case 'unreachable':
      return `${m.message} (the controller keeps an unreachable member's last-known backends for a while; this plan leaves them out)`;
    case 'no-access':
      return m.message;
    case 'refused':
      return `${m.message} (the controller cannot read it either, and leaves its backends out)`;
  }
}

/** The data `-o json` and `-o yaml` print. */
export function planDocument(report: PlanReport): Record<string, unknown> {
  return {
    ingress: `${report.namespace}/${report.name}`,
    instanceId: report.instanceId,
    project: report.project,
    ...(report.teardown ? { teardown: report.teardown } : {}),
    selectedClusters: report.selectedClusters,
    translateErrors: report.translateErrors,
    changes: report.diff?.changes ?? [],
    unchanged: (report.diff?.kept ?? []).map((k) => ({ kind: k.kind, name: k.name, reason: k.reason })),
    problems: report.diff?.problems ?? [],
    clusterProblems: report.clusterProblems,
    warnings: report.warnings,
    members: report.members,
  };
}

/**
 * The text plan prints: the JSON or YAML document, or a diff (`+` create, `~` update with its
 * fields, `-/+` recreate, `-` delete; `=` unchanged with `all`) followed by what stands in the way
 * and what the controller would say about the clusters.
 */
export function formatPlan(
  report: PlanReport,
  opts: { output: OutputFormat; style: Style; all: boolean },
): string {
  if (opts.output === 'json') return `${JSON.stringify(planDocument(report), null, 2)}\n`;
  if (opts.output === 'yaml') return stringify(planDocument(report));
  const { style } = opts;
  const id = `${report.namespace}/${report.name}`;
  let out = `Plan for ingress ${id} (controller instance ${report.instanceId}, project ${report.project})\n`;
  if (report.teardown)
    out += `${style.warn(`The controller would delete its load balancer: ${report.teardown}`)}\n`;
  else out += `Selected clusters: ${report.selectedClusters.join(', ') || style.bad('<none>')}\n`;
  const section = (title: string, lines: readonly string[], paint: (t: string) => string) => {
    if (lines.length === 0) return;
    out += `\n${title}\n`;
    for (const line of lines) out += `  ${paint(line)}\n`;
  };
  section('Members that could not be read:', report.members.map(memberNote), style.bad);
  if (report.translateErrors.length > 0) {
    section(
      'The Ingress cannot be translated; the controller reports it and changes nothing in GCE:',
      report.translateErrors,
      style.bad,
    );
  }
  const diff = report.diff;
  if (diff) {
    out += '\n';
    if (diff.changes.length === 0) {
      out += `${style.good('No changes.')} GCE matches what the controller wants (${diff.kept.length} resources up to date).\n`;
    }
    for (const c of diff.changes) {
      const paint = paintOf(c.op, style);
      const method = c.method !== undefined ? ` (${c.method})` : '';
      out += `${paint(`${SIGN[c.op]} ${c.op} ${c.kind}/${c.name}`)}${method}\n`;
      if (c.fields.length === 0) out += `    ${style.dim(c.reason)}\n`;
      for (const f of c.fields) out += `    ${f.path}: ${style.bad(f.before)} -> ${style.good(f.after)}\n`;
      if (c.op === 'recreate') out += `    ${style.dim(c.reason.replace(/^.*; /, ''))}\n`;
    }
    const notable = diff.kept.filter((k) => k.reason !== 'up to date');
    for (const k of opts.all ? diff.kept : notable) {
      out += `${style.dim(`= ${k.kind}/${k.name}`)}${k.reason === 'up to date' ? '' : `: ${k.reason}`}\n`;
    }
    if (diff.changes.length > 0) out += `\nPlan: ${planSummary(diff)}.\n`;
    section('The plan cannot be applied as it is:', diff.problems, style.bad);
  }
  section('Cluster problems (their backends are left out):', report.clusterProblems, style.warn);
  section('Warnings:', report.warnings, style.warn);
  return out;
}
