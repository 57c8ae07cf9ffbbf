/**
 * Which member cluster each backend group belongs to, recorded in GCE itself: every backend of a
 * backend service the CLI writes carries `description: {"cluster":"<context>"}`. `get-status`,
 * `list`, `remove-clusters` and `delete` read the clusters of a load balancer from there, with no
 * Kubernetes access (kubemci kept a cluster list in the URL map's description instead; a backend
 * knows exactly which groups are whose). See docs/adr/0008-kubemci-cli-without-a-registry.md.
 * Pure.
 */
import type { DesiredResource } from '../../model/gce.ts';
import { relativeResourcePath } from '../../model/gce-urls.ts';
import type { BackendSummary } from '../../model/translate.ts';

/** The description of a backend (one group) of `cluster`. */
export function backendClusterMarker(cluster: string): string {
  return JSON.stringify({ cluster });
}

/** The cluster a backend's description names; undefined for any other description. Never throws. */
export function clusterOfBackend(description: unknown): string | undefined {
  if (typeof description !== 'string' || !description.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(description);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const cluster = (parsed as Record<string, unknown>).cluster;
    return typeof cluster === 'string' && cluster !== '' ? cluster : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `desired` with every backend of every backend service described by its cluster, as the
 * translation's backend summaries assign groups to clusters. Other resources, and backends whose
 * group no summary names, are returned unchanged.
 */
export function labelBackendsWithClusters(
  desired: readonly DesiredResource[],
  backends: readonly BackendSummary[],
): DesiredResource[] {
  const clusterOfGroup = new Map<string, string>();
  for (const backend of backends) {
    for (const c of backend.clusters) {
      for (const group of c.groups) clusterOfGroup.set(relativeResourcePath(group), c.cluster);
    }
  }
  return desired.map((resource) => {
    if (resource.kind !== 'backendServices' || !Array.isArray(resource.body.backends)) return resource;
    const labelled = (resource.body.backends as readonly Record<string, unknown>[]).map((b) => {
      const cluster =
        typeof b.group === 'string' ? clusterOfGroup.get(relativeResourcePath(b.group)) : undefined;
      return cluster === undefined ? b : { ...b, description: backendClusterMarker(cluster) };
    });
    return { ...resource, body: { ...resource.body, backends: labelled } };
  });
}
