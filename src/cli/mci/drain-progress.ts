/**
 * How far a drain (or undrain) has come for one Ingress, read from its status: `drain --wait`
 * waits until every Ingress gives the cluster's backends capacity 0, `undrain --wait` until
 * they have capacity again. Pure.
 */
import { parseIngressStatus, STATUS_ANNOTATION } from '../../controller/status-annotation.ts';
import type { Ingress } from '../../model/ingress.ts';
import { backendLabel } from './summary.ts';

/** Where one Ingress stands. */
export type CapacityState =
  /** Its status shows what was asked on every backend of the cluster. */
  | { readonly kind: 'done'; readonly detail: string }
  /** The cluster has no backends in this Ingress: there is nothing to move. */
  | { readonly kind: 'not-served'; readonly detail: string }
  /** Not yet: the controller has not written it (or failed to apply it). */
  | { readonly kind: 'waiting'; readonly detail: string }
  /** Drain only: the controller keeps the cluster at full capacity, being the last that serves. */
  | { readonly kind: 'kept'; readonly detail: string };

/** Words of the controller's LastClusterNotDrained warning (translate's toBackendService). */
const KEPT_MARK = 'never drained silently';

/**
 * Where the Ingress stands for `cluster`: with `drain`, done when every backend of the cluster
 * that has groups shows capacityScaler 0 and the last reconcile did not fail; with `undrain`,
 * when every such backend shows a capacityScaler above 0. Never throws.
 */
export function capacityState(ingress: Ingress, cluster: string, mode: 'drain' | 'undrain'): CapacityState {
  const status = parseIngressStatus(ingress.metadata?.annotations?.[STATUS_ANNOTATION]);
  if (!status) return { kind: 'waiting', detail: 'no status yet' };
  const entry = status.clusters.find((c) => c.name === cluster);
  const backends = (entry?.backends ?? []).filter((b) => b.groups.length > 0);
  if (backends.length === 0) {
    const why = entry?.problems[0]?.message;
    return { kind: 'not-served', detail: `no backends in cluster ${cluster}${why ? ` (${why})` : ''}` };
  }
  if (mode === 'drain' && status.warnings.some((w) => w.includes(KEPT_MARK) && w.includes(cluster))) {
    return {
      kind: 'kept',
      detail: `the controller keeps cluster ${cluster} at full capacity: it is the last serving cluster`,
    };
  }
  const pending = backends.filter((b) =>
    mode === 'drain' ? b.capacityScaler !== 0 : b.capacityScaler === 0,
  );
  if (pending.length > 0) {
    const what = pending.map((b) => `capacity ${b.capacityScaler} on ${backendLabel(b)}`).join(', ');
    const error = status.lastError ? `; last error: ${status.lastError.message}` : '';
    return { kind: 'waiting', detail: `${what}${error}` };
  }
  if (status.lastError) return { kind: 'waiting', detail: `last error: ${status.lastError.message}` };
  const shown = backends.map((b) => `capacity ${b.capacityScaler} on ${backendLabel(b)}`).join(', ');
  return { kind: 'done', detail: shown };
}
