/**
 * What an operator wants to know about one multicluster Ingress, read from its
 * `kubemci.io/status` annotation: the VIP, how many selected clusters are ready, and what is
 * wrong. The same judgement drives `list`, `status` and their exit codes. Pure.
 */
import {
  STATUS_ANNOTATION,
  parseIngressStatus,
  type ClusterBackendStatus,
  type ClusterStatus,
  type IngressStatus,
} from '../../controller/status-annotation.ts';
import type { Ingress } from '../../model/ingress.ts';

/** One multicluster Ingress, judged. */
export interface IngressSummary {
  readonly namespace: string;
  readonly name: string;
  readonly generation?: number;
  readonly vip?: string;
  readonly backendMode?: string;
  /** Clusters in the status (selected, or still listed with a problem). */
  readonly selected: number;
  /** Of those, the ready ones (see {@link isClusterReady}). */
  readonly ready: number;
  readonly clusters: readonly string[];
  readonly lastChange?: string;
  /** Everything wrong, most important first; empty when all is well. */
  readonly problems: readonly string[];
  /** Remarks that do not make the Ingress faulty (the controller's warnings). */
  readonly warnings: readonly string[];
  /** The parsed status; undefined when absent or unreadable. */
  readonly status?: IngressStatus;
}

/** Why an Ingress has no usable status, when it has none. */
function statusProblem(raw: string | undefined, status: IngressStatus | undefined): string | undefined {
  if (status !== undefined) return undefined;
  if (raw === undefined || raw === '') {
    return 'no status yet: the controller has not reconciled it (is it running, and watching this namespace?)';
  }
  return `${STATUS_ANNOTATION} is not a status this kubectl-mci can read (another version?)`;
}

/** `web:80`: a backend as people name it. */
export function backendLabel(backend: Pick<ClusterBackendStatus, 'service' | 'port'>): string {
  return `${backend.service}:${backend.port}`;
}

/**
 * The health problem of one backend of one cluster, if the health known says it has one: no
 * healthy endpoint, or some unhealthy ones. Unknown health is no problem (not polled yet).
 */
export function healthProblem(backend: ClusterBackendStatus): string | undefined {
  const h = backend.health;
  if (!h) return undefined;
  const total = h.healthy + h.unhealthy;
  if (total === 0) return `${backendLabel(backend)} has no endpoints`;
  if (h.healthy === 0) return `${backendLabel(backend)} has no healthy endpoint (0/${total})`;
  if (h.unhealthy > 0) {
    return `${backendLabel(backend)} has ${h.unhealthy} unhealthy endpoint${h.unhealthy === 1 ? '' : 's'} of ${total}`;
  }
  return undefined;
}

/**
 * Everything wrong with one cluster of the status: its own problems (as the controller reported
 * them), backends without groups, and backends whose health is bad.
 */
export function clusterProblemsOf(cluster: ClusterStatus): string[] {
  const out = cluster.problems.map((p) => p.message);
  if (cluster.backends.length === 0 && out.length === 0) out.push('no backends');
  for (const b of cluster.backends) {
    if (b.groups.length === 0) out.push(`${backendLabel(b)} has no backend groups`);
    const health = healthProblem(b);
    if (health) out.push(health);
  }
  return out;
}

/**
 * A cluster is ready when its backends are attached (each has at least one group), it has no
 * problem, and no backend is known to have no healthy endpoint.
 */
export function isClusterReady(cluster: ClusterStatus): boolean {
  return (
    cluster.problems.length === 0 &&
    cluster.backends.length > 0 &&
    cluster.backends.every((b) => b.groups.length > 0 && (b.health === undefined || b.health.healthy > 0))
  );
}

/**
 * Judges one Ingress from its status annotation. `status` replaces the parsed annotation (to
 * judge with live health). Never throws.
 */
export function summarizeIngress(ingress: Ingress, status?: IngressStatus): IngressSummary {
  const meta = ingress.metadata ?? {};
  const raw = meta.annotations?.[STATUS_ANNOTATION];
  const parsed = status ?? parseIngressStatus(raw);
  const problems: string[] = [];
  const missing = statusProblem(raw, parsed);
  if (missing) problems.push(missing);
  const base = {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    ...(meta.generation !== undefined ? { generation: meta.generation } : {}),
  };
  if (!parsed) {
    return { ...base, selected: 0, ready: 0, clusters: [], problems, warnings: [] };
  }
  if (parsed.lastError) problems.push(`${parsed.lastError.reason}: ${parsed.lastError.message}`);
  if (
    meta.generation !== undefined &&
    parsed.observedGeneration !== undefined &&
    parsed.observedGeneration < meta.generation
  ) {
    problems.push(
      `generation ${meta.generation} is not reconciled yet (the status is of generation ${parsed.observedGeneration})`,
    );
  }
  if (parsed.clusters.length === 0) problems.push('no cluster is selected: nothing serves traffic');
  if (!parsed.vip && !parsed.lastError) problems.push('no VIP yet');
  for (const c of parsed.clusters) {
    for (const p of clusterProblemsOf(c)) problems.push(`cluster ${c.name}: ${p}`);
  }
  return {
    ...base,
    ...(parsed.vip ? { vip: parsed.vip } : {}),
    ...(parsed.backendMode ? { backendMode: parsed.backendMode } : {}),
    selected: parsed.clusters.length,
    ready: parsed.clusters.filter(isClusterReady).length,
    clusters: parsed.clusters.map((c) => c.name),
    ...(parsed.lastChange ? { lastChange: parsed.lastChange } : {}),
    problems,
    warnings: [...parsed.warnings],
    status: parsed,
  };
}
