import { COMPUTE_V1_BASE, relativeResourcePath, zonalResourceUrl } from '../model/gce-urls.ts';
import type { BackendMode } from '../model/translate.ts';
import { derivedServiceName } from '../naming/gce-names.ts';
import type { MemberView, MemberBackend } from './resolve-backends.ts';
import type { ProblemCollector } from './problems.ts';

/** Where the groups of a backend live: the context group URLs are built in. */
export interface GroupContext {
  readonly project: string;
  readonly instanceId: string;
  readonly namespace: string;
  readonly mode: BackendMode;
}

function zoneUrl(project: string, zone: string): string {
  const path = relativeResourcePath(zone);
  if (path.startsWith('projects/')) return COMPUTE_V1_BASE + path;
  if (path.startsWith('zones/')) return `${COMPUTE_V1_BASE}projects/${project}/${path}`;
  return `${COMPUTE_V1_BASE}projects/${project}/zones/${path}`;
}

/**
 * The full URLs of one member's groups for one backend, sorted: in `neg` mode the zonal NEGs the
 * NEG controller reported on the derived Service for the Service port; in `instance-group` mode
 * the instance groups ingress-gce reported. Missing reports are the member's problem (and give
 * no groups), as the member is still converging.
 */
export function groupsOf(
  context: GroupContext,
  view: MemberView,
  backend: MemberBackend,
  service: string,
  problems: ProblemCollector,
): string[] {
  const cluster = view.cluster.name;
  if (context.mode === 'instance-group') {
    const groups = view.facts?.instanceGroups;
    if (groups === undefined || groups.length === 0) {
      problems.report(
        cluster,
        'InstanceGroupsMissing',
        'no instance groups reported on the Ingress copy yet',
      );
      return [];
    }
    return [
      ...new Set(groups.map((g) => `${zoneUrl(context.project, g.zone)}/instanceGroups/${g.name}`)),
    ].sort();
  }
  const derived = derivedServiceName(context.instanceId, context.namespace, service);
  const status = view.facts?.negStatus?.[derived];
  if (status === undefined) {
    problems.report(
      cluster,
      'NegNotReady',
      `no NEG status on derived Service ${context.namespace}/${derived} yet`,
    );
    return [];
  }
  const port = String(backend.servicePort.port);
  const neg = status.networkEndpointGroups[port];
  if (neg === undefined || status.zones.length === 0) {
    problems.report(
      cluster,
      'NegNotReady',
      `derived Service ${context.namespace}/${derived} has no NEG for port ${port} yet`,
    );
    return [];
  }
  return [...new Set(status.zones)]
    .sort()
    .map((zone) => zonalResourceUrl(context.project, zone, 'networkEndpointGroups', neg));
}
