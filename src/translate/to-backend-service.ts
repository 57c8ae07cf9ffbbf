import type { DesiredResource } from '../model/gce.ts';
import { resourceUrl } from '../model/gce-urls.ts';
import { TranslateError } from '../model/translate.ts';
import type {
  BackendSummary,
  ClusterBackends,
  HealthCheckTiming,
  TranslateWarning,
} from '../model/translate.ts';
import { backendServiceName, healthCheckName } from '../naming/gce-names.ts';
import type { IngressIdentity } from '../naming/gce-names.ts';
import { ownershipDescription } from '../naming/ownership.ts';
import { groupsOf } from './backend-groups.ts';
import type { GroupContext } from './backend-groups.ts';
import { describeBackend } from './ingress-backends.ts';
import type { MemberView, ResolvedBackend } from './resolve-backends.ts';
import type { ProblemCollector } from './problems.ts';

/** GCE's hard limit of instance groups or zonal NEGs in one backend service. */
export const MAX_GROUPS_PER_BACKEND_SERVICE = 50;

/** Settings shared by every backend of an Ingress. */
export interface BackendContext extends GroupContext {
  readonly owner: IngressIdentity;
  readonly timing: HealthCheckTiming;
  readonly maxRatePerEndpoint: number;
  readonly maxRatePerInstance: number;
  readonly backendTimeoutSec: number;
  readonly drainingTimeoutSec: number;
}

const HEALTH_CHECK_FIELD = {
  HTTP: 'httpHealthCheck',
  HTTPS: 'httpsHealthCheck',
  HTTP2: 'http2HealthCheck',
} as const;

/**
 * The health check and backend service of one resolved backend, with every serving member's
 * groups. The health check uses the serving port (the NEG endpoint's port, or the backend
 * service's named port on instance groups), so it never repeats a port. If no group would keep
 * any capacity, all keep full capacity instead, with a warning: the last serving cluster is never
 * drained silently (and GCE refuses a lone backend at capacity 0).
 */
export function toBackendService(
  resolved: ResolvedBackend,
  views: ReadonlyMap<string, MemberView>,
  capacities: ReadonlyMap<string, number>,
  context: BackendContext,
  problems: ProblemCollector,
): {
  resources: DesiredResource[];
  summary: BackendSummary;
  errors: TranslateError[];
  warnings: TranslateWarning[];
} {
  const errors: TranslateError[] = [];
  const warnings: TranslateWarning[] = [];
  const identity = { service: resolved.ref.service, port: resolved.ref.port };
  const hcName = healthCheckName(context.owner, identity);
  const bsName = backendServiceName(context.owner, identity);
  const about = `${context.namespace}/${describeBackend(resolved.ref)}`;

  // GCE refuses a group listed twice in one backend service; the first cluster to list it keeps it.
  const seen = new Set<string>();
  let clusters: ClusterBackends[] = resolved.members.map((member) => {
    const groups: string[] = [];
    for (const group of groupsOf(
      context,
      views.get(member.cluster)!,
      member,
      resolved.ref.service,
      problems,
    )) {
      if (!seen.has(group)) groups.push(group);
      seen.add(group);
    }
    return { cluster: member.cluster, capacityScaler: capacities.get(member.cluster) ?? 1, groups };
  });
  const serving = clusters.filter((c) => c.groups.length > 0);
  if (serving.length > 0 && serving.every((c) => c.capacityScaler === 0)) {
    clusters = clusters.map((c) => ({ ...c, capacityScaler: 1 }));
    warnings.push({
      code: 'LastClusterNotDrained',
      message:
        `every cluster serving ${about} (${serving.map((c) => c.cluster).join(', ')}) is drained or at capacity 0; ` +
        'they keep full capacity, because the last serving cluster is never drained silently',
    });
  }
  const groupCount = clusters.reduce((sum, c) => sum + c.groups.length, 0);
  if (groupCount > MAX_GROUPS_PER_BACKEND_SERVICE) {
    errors.push(
      new TranslateError(
        'TooManyBackends',
        `${about} needs ${groupCount} backend groups, more than the ${MAX_GROUPS_PER_BACKEND_SERVICE} GCE allows in one ` +
          'backend service; select fewer clusters or zones',
        { clusters: clusters.filter((c) => c.groups.length > 0).map((c) => c.cluster) },
      ),
    );
  }

  const rate =
    context.mode === 'neg'
      ? { maxRatePerEndpoint: context.maxRatePerEndpoint }
      : { maxRatePerInstance: context.maxRatePerInstance };
  const backends = clusters
    .flatMap((c) =>
      c.groups.map((group) => ({ group, balancingMode: 'RATE', ...rate, capacityScaler: c.capacityScaler })),
    )
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));

  const healthCheck: DesiredResource = {
    kind: 'healthChecks',
    name: hcName,
    dependsOn: [],
    body: {
      name: hcName,
      description: ownershipDescription(context.owner, `health check of ${about}`),
      type: resolved.protocol,
      ...context.timing,
      [HEALTH_CHECK_FIELD[resolved.protocol]]: {
        portSpecification: 'USE_SERVING_PORT',
        requestPath: resolved.healthCheckPath,
      },
    },
  };
  const backendService: DesiredResource = {
    kind: 'backendServices',
    name: bsName,
    dependsOn: [{ kind: 'healthChecks', name: hcName }],
    body: {
      name: bsName,
      description: ownershipDescription(context.owner, `backend service of ${about}`),
      protocol: resolved.protocol,
      loadBalancingScheme: 'EXTERNAL',
      healthChecks: [resourceUrl(context.project, 'healthChecks', hcName)],
      timeoutSec: context.backendTimeoutSec,
      connectionDraining: { drainingTimeoutSec: context.drainingTimeoutSec },
      backends,
      // ingress-gce names the NodePort `port<N>` on every instance group it manages.
      ...(context.mode === 'instance-group' && resolved.nodePort !== undefined
        ? { portName: `port${resolved.nodePort}` }
        : {}),
    },
  };
  return {
    resources: [healthCheck, backendService],
    summary: {
      service: resolved.ref.service,
      port: resolved.ref.port,
      backendService: bsName,
      healthCheck: hcName,
      protocol: resolved.protocol,
      healthCheckPath: resolved.healthCheckPath,
      clusters,
    },
    errors,
    warnings,
  };
}
