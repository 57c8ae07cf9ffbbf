/**
 * The last-serving-cluster rule of `kubectl mci drain`: a cluster may not be drained while it is
 * the last one that would serve some multicluster Ingress. Pure.
 */
import {
  parseIngressStatus,
  STATUS_ANNOTATION,
  type IngressStatus,
} from '../../controller/status-annotation.ts';
import type { ClusterInfo } from '../../model/cluster.ts';
import type { Ingress } from '../../model/ingress.ts';
import { CLUSTER_DRAIN_ANNOTATION } from '../../translate/annotations.ts';
import { capacityScalerOf } from '../../translate/capacity.ts';
import { matchesLabels, type LabelSelector } from '../../translate/label-selector.ts';
import { ProblemCollector } from '../../translate/problems.ts';
import { clusterSelectorOf, isClusterEnabled } from '../../translate/select-clusters.ts';
import { isManagedIngress } from './multicluster.ts';

/** An Ingress the drain would leave with no serving cluster. */
export interface LastServing {
  readonly namespace: string;
  readonly name: string;
  /** Why none of the other selected clusters would serve it. */
  readonly why: string;
}

/** The capacity the controller would give a cluster's backends: 0 when drained or at capacity 0. */
export function capacityOf(cluster: ClusterInfo): number {
  return capacityScalerOf(cluster, new ProblemCollector());
}

function selectorOf(ingress: Ingress): LabelSelector | undefined {
  try {
    return clusterSelectorOf(ingress);
  } catch {
    // The controller cannot translate an Ingress with a broken selector and leaves its load
    // balancer as it is: draining a cluster changes nothing for it.
    return undefined;
  }
}

/** Whether the status shows backends of `cluster` (groups attached); true when there is no status. */
function hasBackends(status: IngressStatus | undefined, cluster: string): boolean {
  if (!status) return true;
  return (status.clusters.find((c) => c.name === cluster)?.backends ?? []).some((b) => b.groups.length > 0);
}

/**
 * Why a selected cluster other than the one drained would not serve: drained, at capacity 0, or
 * without backends in the Ingress's status. Undefined when it would serve.
 */
function whyNotServing(cluster: ClusterInfo, status: IngressStatus | undefined): string | undefined {
  if (capacityOf(cluster) === 0) {
    return cluster.annotations?.[CLUSTER_DRAIN_ANNOTATION] === 'true'
      ? `${cluster.name} is drained`
      : `${cluster.name} has capacity 0`;
  }
  if (!hasBackends(status, cluster.name)) return `${cluster.name} has no backends`;
  return undefined;
}

/**
 * The multicluster Ingresses that select `target` and that no other selected (enabled, matching
 * the Ingress's cluster selector), undrained cluster with capacity would serve: a cluster serves
 * when the Ingress's status shows backends for it (or, before the Ingress has a status, when its
 * labels and annotations say it would). Ingresses being deleted, not managed by the controller or
 * with an invalid selector are not concerned. `clusters` are the trusted Clusters (the target may
 * be among them). Sorted by namespace and name. Never throws.
 */
export function lastServingIngresses(
  target: ClusterInfo,
  clusters: readonly ClusterInfo[],
  ingresses: readonly (Ingress & { metadata?: { deletionTimestamp?: unknown } })[],
): LastServing[] {
  const out: LastServing[] = [];
  for (const ingress of ingresses) {
    if (!isManagedIngress(ingress) || ingress.metadata?.deletionTimestamp) continue;
    const selector = selectorOf(ingress);
    if (!selector) continue;
    const selects = (c: ClusterInfo) => isClusterEnabled(c.labels) && matchesLabels(selector, c.labels);
    if (!selects(target)) continue;
    const status = parseIngressStatus(ingress.metadata?.annotations?.[STATUS_ANNOTATION]);
    const others = clusters.filter((c) => c.name !== target.name && selects(c));
    const reasons = others.map((c) => whyNotServing(c, status));
    if (reasons.some((r) => r === undefined)) continue;
    out.push({
      namespace: ingress.metadata?.namespace ?? '',
      name: ingress.metadata?.name ?? '',
      why: others.length === 0 ? 'it selects no other cluster' : (reasons as string[]).join(', '),
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** The refusal message for a drain, naming every Ingress concerned and why. */
export function refusalMessage(cluster: string, last: readonly LastServing[]): string {
  const list = last.map((l) => `ingress ${l.namespace}/${l.name} (${l.why})`).join('; ');
  return (
    `refusing to drain cluster ${cluster}: it is the last serving cluster of ${list}; ` +
    'drain another cluster first, or use --force (the controller then keeps it at full capacity)'
  );
}
