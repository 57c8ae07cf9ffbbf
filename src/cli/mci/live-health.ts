/**
 * `status --live`: the health of every backend of every cluster, asked from GCE now
 * (`backendServices.getHealth`, one call per backend service and group, as the controller's
 * health loop does) instead of what the status last recorded.
 */
import type { ClusterBackendStatus, IngressStatus } from '../../controller/status-annotation.ts';
import type { GceClient } from '../../gce/index.ts';
import { COMPUTE_V1_BASE } from '../../model/gce-urls.ts';
import { explainGceError } from './gce-access.ts';
import type { GceAccess } from './options.ts';

/** The full URL getHealth wants for a group the status names (`zones/Z/networkEndpointGroups/N`). */
export function groupUrl(project: string, group: string): string {
  return /^https?:\/\//.test(group)
    ? group
    : `${COMPUTE_V1_BASE}projects/${project}/${group.replace(/^\//, '')}`;
}

/**
 * The status with every backend's health replaced by what GCE says now (healthy and unhealthy
 * endpoints over all of the backend's groups), and the reads that failed, explained; a backend
 * whose reads failed shows no health rather than a stale one. Never rejects.
 */
export async function withLiveHealth(
  gce: GceClient,
  access: GceAccess,
  status: IngressStatus,
  now: () => number,
): Promise<{ status: IngressStatus; errors: string[] }> {
  const errors = new Set<string>();
  const ask = async (b: ClusterBackendStatus): Promise<ClusterBackendStatus> => {
    const { health: _old, ...rest } = b;
    let healthy = 0;
    let unhealthy = 0;
    let failed = false;
    await Promise.all(
      b.groups.map(async (group) => {
        try {
          const h = await gce.getHealth(b.backendService, groupUrl(access.project, group));
          for (const s of h.healthStatus ?? []) {
            if (s.healthState === 'HEALTHY') healthy++;
            else unhealthy++;
          }
        } catch (err) {
          failed = true;
          errors.add(explainGceError(err, access));
        }
      }),
    );
    return failed
      ? rest
      : { ...rest, health: { healthy, unhealthy, checkedAt: new Date(now()).toISOString() } };
  };
  const clusters = await Promise.all(
    status.clusters.map(async (c) => ({ ...c, backends: await Promise.all(c.backends.map(ask)) })),
  );
  return { status: { ...status, clusters }, errors: [...errors] };
}
