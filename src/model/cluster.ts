/**
 * A member cluster as translate sees it: its identity in the inventory and the labels and
 * annotations that decide selection and traffic. The inventory (Cluster Registry, ClusterProfile)
 * maps its own objects onto this shape.
 */
export interface ClusterInfo {
  /** Unique among the clusters passed to one translate call; names the cluster in problems. */
  readonly name: string;
  /** Selection: `kubemci.io/enabled=true` opts in, the rest is free for cluster selectors. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Traffic: `kubemci.io/capacity` (0, or 0.1 to 1.0) and `kubemci.io/drain` (`true`). */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The Cluster Registry's API: `clusters.clusterregistry.k8s.io/v1alpha1`. */
export const CLUSTER_API = {
  group: 'clusterregistry.k8s.io',
  version: 'v1alpha1',
  plural: 'clusters',
} as const;
