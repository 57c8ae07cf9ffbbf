import type { ClusterInfo } from '../model/cluster.ts';
import { CLUSTER_CAPACITY_ANNOTATION, CLUSTER_DRAIN_ANNOTATION } from './annotations.ts';
import type { ProblemCollector } from './problems.ts';

/**
 * The capacityScaler of a cluster's backends: 0 when `kubemci.io/drain=true`, else
 * `kubemci.io/capacity` (GCE allows 0 and 0.1 to 1.0), else 1. An invalid value is the cluster's
 * problem and counts as absent, so a typo never takes a cluster out of service.
 */
export function capacityScalerOf(cluster: ClusterInfo, problems: ProblemCollector): number {
  const drain = cluster.annotations?.[CLUSTER_DRAIN_ANNOTATION];
  const capacity = cluster.annotations?.[CLUSTER_CAPACITY_ANNOTATION];
  if (drain !== undefined && drain !== 'true' && drain !== 'false') {
    problems.report(
      cluster.name,
      'InvalidDrain',
      `${CLUSTER_DRAIN_ANNOTATION} must be "true" or "false"; ignored`,
    );
  }
  if (drain === 'true') return 0;
  if (capacity === undefined) return 1;
  const value = /^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(capacity) ? Number(capacity) : NaN;
  if (value === 0 || (value >= 0.1 && value <= 1)) return value;
  problems.report(
    cluster.name,
    'InvalidCapacity',
    `${CLUSTER_CAPACITY_ANNOTATION} must be 0 or between 0.1 and 1.0; using 1`,
  );
  return 1;
}
