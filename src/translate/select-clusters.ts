import type { ClusterInfo } from '../model/cluster.ts';
import type { Ingress } from '../model/ingress.ts';
import { CLUSTER_ENABLED_LABEL, CLUSTER_SELECTOR_ANNOTATION } from './annotations.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import type { LabelSelector } from './label-selector.ts';

/**
 * The Ingress's cluster selector (`kubemci.io/cluster-selector`); an absent annotation selects
 * every opted-in cluster. Throws LabelSelectorError when the annotation is not a valid selector.
 */
export function clusterSelectorOf(ingress: Ingress): LabelSelector {
  return parseLabelSelector(ingress.metadata?.annotations?.[CLUSTER_SELECTOR_ANNOTATION] ?? '');
}

/** True when a cluster with these labels has opted in (`kubemci.io/enabled=true`). */
export function isClusterEnabled(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[CLUSTER_ENABLED_LABEL] === 'true';
}

/**
 * Whether the Ingress spreads over a cluster with these labels: the cluster opted in and matches
 * the Ingress's selector. Throws LabelSelectorError on an invalid selector annotation (the
 * pipeline's fan-out treats a throw as "selects", so a broken selector still reconciles and
 * reports). Works on any object shaped like an Ingress, including the client's.
 */
export function ingressSelectsCluster(
  ingress: Ingress,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return isClusterEnabled(labels) && matchesLabels(clusterSelectorOf(ingress), labels);
}

/** The clusters that opted in and match `selector`, sorted by name. Never throws. */
export function selectClusters(selector: LabelSelector, clusters: readonly ClusterInfo[]): ClusterInfo[] {
  return clusters
    .filter((cluster) => isClusterEnabled(cluster.labels) && matchesLabels(selector, cluster.labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
