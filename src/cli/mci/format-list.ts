/** What `kubectl mci list` prints, from the summaries of the Ingresses it found. Pure. */
import { stringify } from 'yaml';
import type { OutputFormat } from './options.ts';
import type { IngressSummary } from './summary.ts';
import { ageOf, renderTable, truncate, type Cell, type Style } from './terminal.ts';

/** The widest PROBLEM cell of the default table; `-o wide` shows it whole. */
export const PROBLEM_WIDTH = 80;

/** The data `-o json` and `-o yaml` print for one Ingress. */
export function listItem(s: IngressSummary): Record<string, unknown> {
  return {
    namespace: s.namespace,
    name: s.name,
    ...(s.vip ? { vip: s.vip } : {}),
    clusters: { ready: s.ready, selected: s.selected, names: s.clusters },
    ...(s.backendMode ? { backendMode: s.backendMode } : {}),
    ...(s.generation !== undefined ? { generation: s.generation } : {}),
    ...(s.lastChange ? { lastChange: s.lastChange } : {}),
    problems: s.problems,
    warnings: s.warnings,
    ...(s.status ? { status: s.status } : {}),
  };
}

/** The CLUSTERS cell: ready/selected, green when all are ready, red when none is. */
export function clustersCell(s: IngressSummary, style: Style): Cell {
  const text = `${s.ready}/${s.selected}`;
  const paint =
    s.selected > 0 && s.ready === s.selected ? style.good : s.ready === 0 ? style.bad : style.warn;
  return { text, paint };
}

/** The PROBLEM cell: the first problem (and how many more), or `<none>`. */
export function problemCell(s: IngressSummary, style: Style, wide: boolean): Cell {
  const [first, ...more] = s.problems;
  if (first === undefined) return { text: '<none>', paint: style.dim };
  const rest = more.length > 0 ? ` (+${more.length} more)` : '';
  const text = wide ? s.problems.join('; ') : truncate(first, PROBLEM_WIDTH - rest.length) + rest;
  return { text, paint: style.bad };
}

/**
 * The text `list` prints: a table (`table` or `wide`; NAMESPACE first with `allNamespaces`), or a
 * list object as JSON or YAML. `now` dates LAST CHANGE. An empty result prints nothing here (the
 * caller says so on stderr, as kubectl does); as JSON or YAML it is an empty list.
 */
export function formatList(
  summaries: readonly IngressSummary[],
  opts: { output: OutputFormat; allNamespaces: boolean; now: number; style: Style },
): string {
  if (opts.output === 'json' || opts.output === 'yaml') {
    const doc = { kind: 'MulticlusterIngressList', items: summaries.map(listItem) };
    return opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
  }
  if (summaries.length === 0) return '';
  const wide = opts.output === 'wide';
  const headers = [
    ...(opts.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'VIP',
    'CLUSTERS',
    'LAST CHANGE',
    ...(wide ? ['MODE', 'SELECTED'] : []),
    'PROBLEM',
  ];
  const rows = summaries.map((s): Cell[] => [
    ...(opts.allNamespaces ? [s.namespace] : []),
    s.name,
    s.vip ?? { text: '<pending>', paint: opts.style.warn },
    clustersCell(s, opts.style),
    s.lastChange ? ageOf(s.lastChange, opts.now) : '<never>',
    ...(wide ? [s.backendMode ?? '<unknown>', s.clusters.join(',') || '<none>'] : []),
    problemCell(s, opts.style, wide),
  ]);
  return renderTable(headers, rows);
}
