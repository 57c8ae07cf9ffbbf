/** What `kubectl mci status NAME` prints. Pure. */
import { stringify } from 'yaml';
import type { ClusterBackendStatus, ClusterStatus } from '../../controller/status-annotation.ts';
import type { OutputFormat } from './options.ts';
import {
  backendLabel,
  clusterProblemsOf,
  healthProblem,
  isClusterReady,
  type IngressSummary,
} from './summary.ts';
import { ageOf, renderTable, type Cell, type Style } from './terminal.ts';

/** One Event of the Ingress, as status shows it. */
export interface EventView {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  /** ISO time the Event was last seen. */
  readonly lastSeen?: string;
}

/** Everything status shows about one Ingress. */
export interface StatusView {
  readonly summary: IngressSummary;
  /** Set when the health shown was asked from GCE just now (`--live`). */
  readonly live?: { readonly errors: readonly string[] };
  /** The Ingress's Events, oldest first; or why they could not be read. */
  readonly events: readonly EventView[] | { readonly error: string };
}

/** The zones of a backend's groups (`zones/us-east1-b/networkEndpointGroups/x` → `us-east1-b`). */
export function zonesOf(backend: ClusterBackendStatus): string[] {
  const zones = backend.groups.map((g) => /(?:^|\/)zones\/([^/]+)\//.exec(g)?.[1] ?? g);
  return [...new Set(zones)].sort();
}

function healthCell(backend: ClusterBackendStatus, style: Style, live: boolean, now: number): Cell {
  const h = backend.health;
  if (!h) return { text: live ? 'unknown' : 'not polled yet', paint: style.dim };
  const text = `${h.healthy}/${h.healthy + h.unhealthy} healthy${live ? '' : ` (${ageOf(h.checkedAt, now)} ago)`}`;
  return { text, paint: healthProblem(backend) ? style.bad : style.good };
}

function capacityCell(backend: ClusterBackendStatus, style: Style): Cell {
  const text = String(backend.capacityScaler);
  return backend.capacityScaler === 0 ? { text: `${text} (drained)`, paint: style.warn } : text;
}

function clusterRows(cluster: ClusterStatus, style: Style, live: boolean, now: number): Cell[][] {
  const ready = isClusterReady(cluster);
  const state: Cell = { text: ready ? 'ready' : 'not ready', paint: ready ? style.good : style.bad };
  if (cluster.backends.length === 0) return [[cluster.name, state, '-', '-', '-', '-']];
  return cluster.backends.map((b, i) => [
    i === 0 ? cluster.name : '',
    i === 0 ? state : '',
    backendLabel(b),
    capacityCell(b, style),
    zonesOf(b).join(',') || { text: '<none>', paint: style.bad },
    healthCell(b, style, live, now),
  ]);
}

/** The data `-o json` and `-o yaml` print. */
export function statusDocument(view: StatusView): Record<string, unknown> {
  const s = view.summary;
  return {
    namespace: s.namespace,
    name: s.name,
    ...(s.generation !== undefined ? { generation: s.generation } : {}),
    ...(s.vip ? { vip: s.vip } : {}),
    clusters: { ready: s.ready, selected: s.selected },
    problems: s.problems,
    warnings: s.warnings,
    ...(s.status ? { status: s.status } : {}),
    ...(view.live ? { liveHealth: { errors: view.live.errors } } : {}),
    ...('error' in view.events ? { eventsError: view.events.error } : { events: view.events }),
  };
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(14)}${value}\n`;
}

/**
 * The text status prints: a JSON or YAML document, or kubectl-describe style sections: the
 * Ingress, its clusters and backends (one row per cluster and backend), problems, warnings,
 * GCE resources and Events. `now` dates the ages.
 */
export function formatStatus(
  view: StatusView,
  opts: { output: OutputFormat; now: number; style: Style },
): string {
  if (opts.output === 'json') return `${JSON.stringify(statusDocument(view), null, 2)}\n`;
  if (opts.output === 'yaml') return stringify(statusDocument(view));
  const { style, now } = opts;
  const s = view.summary;
  const st = s.status;
  let out = '';
  out += field('Name', s.name);
  out += field('Namespace', s.namespace);
  out += field('VIP', s.vip ?? style.warn('<pending>'));
  if (st) {
    out += field('Backend mode', st.backendMode ?? '<unknown>');
    const observed = st.observedGeneration === undefined ? 'unknown' : String(st.observedGeneration);
    out += field('Generation', `${s.generation ?? 'unknown'} (status of ${observed})`);
    out += field(
      'Last change',
      st.lastChange ? `${st.lastChange} (${ageOf(st.lastChange, now)} ago)` : '<never>',
    );
    out += field(
      'Last error',
      st.lastError
        ? style.bad(`${st.lastError.reason}: ${st.lastError.message} (${ageOf(st.lastError.at, now)} ago)`)
        : style.dim('<none>'),
    );
    out += '\n';
    const live = view.live !== undefined;
    out += `Clusters:     ${s.selected} selected, ${s.ready} ready${live ? ' (health asked from GCE just now)' : ''}\n`;
    if (st.clusters.length > 0) {
      out += renderTable(
        ['CLUSTER', 'STATE', 'BACKEND', 'CAPACITY', 'ZONES', 'HEALTH'],
        st.clusters.flatMap((c) => clusterRows(c, style, live, now)),
        '  ',
      );
    }
    const clusterProblems = st.clusters.flatMap((c) => clusterProblemsOf(c).map((p) => `${c.name}: ${p}`));
    if (clusterProblems.length > 0) {
      out += '\nCluster problems:\n';
      for (const p of clusterProblems) out += `  ${style.bad(p)}\n`;
    }
    for (const e of view.live?.errors ?? []) out += `  ${style.warn(`live health: ${e}`)}\n`;
  }
  const other = s.problems.filter((p) => !p.startsWith('cluster '));
  if (other.length > 0) {
    out += '\nProblems:\n';
    for (const p of other) out += `  ${style.bad(p)}\n`;
  }
  if (s.warnings.length > 0) {
    out += '\nWarnings:\n';
    for (const w of s.warnings) out += `  ${style.warn(w)}\n`;
  }
  if (st && Object.keys(st.resources).length > 0) {
    out += '\nGCE resources:\n';
    const rows = Object.entries(st.resources).flatMap(([kind, names]) =>
      (typeof names === 'string' ? [names] : names).map((n, i) => [i === 0 ? kind : '', n]),
    );
    out += renderTable(['KIND', 'NAME'], rows, '  ');
  }
  out += '\nEvents:\n';
  if ('error' in view.events) {
    out += `  ${style.warn(`cannot read Events: ${view.events.error}`)}\n`;
  } else if (view.events.length === 0) {
    out += `  ${style.dim('<none>')}\n`;
  } else {
    out += renderTable(
      ['LAST SEEN', 'TYPE', 'REASON', 'MESSAGE'],
      view.events.map((e) => [
        ageOf(e.lastSeen, now),
        { text: e.type, paint: e.type === 'Warning' ? style.warn : undefined },
        e.reason,
        e.count > 1 ? `${e.message} (x${e.count})` : e.message,
      ]),
      '  ',
    );
  }
  return out;
}
