/**
 * What GCE says about the CLI's load balancers, without Kubernetes: every resource whose
 * ownership marker names our instance, grouped by the load balancer (`namespace/name`) it names;
 * the VIP from the forwarding rules (GCE stores the literal IP) or our address; the clusters and
 * backend mode from the backends of the backend services. Pure.
 */
import type { ObservedResource, ResourceRef } from '../../model/gce.ts';
import type { BackendMode } from '../../model/translate.ts';
import { parseOwnership } from '../../naming/ownership.ts';
import { clusterOfBackend } from './backend-clusters.ts';
import { KubemciError } from './errors.ts';

/** One load balancer as GCE shows it. */
export interface LoadBalancerState {
  readonly namespace: string;
  readonly name: string;
  /** The anycast IP; undefined when neither a forwarding rule nor our address holds one yet. */
  readonly ipAddress?: string;
  /** Clusters that have at least one backend group, sorted. */
  readonly clusters: readonly string[];
  /** Full group URLs by cluster; groups without a cluster marker under `""`. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Undefined when no backend service has a backend. */
  readonly backendMode?: BackendMode;
  /** Every resource of ours, in observation order. */
  readonly resources: readonly ResourceRef[];
}

const LITERAL_IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*)$/;

/**
 * The load balancers of `instanceId` among `observed`, sorted by namespace and name. Resources of
 * other instances, foreign resources and unparsable markers are ignored. Never throws.
 */
export function summarizeLoadBalancers(
  observed: readonly ObservedResource[],
  instanceId: string,
): LoadBalancerState[] {
  const byOwner = new Map<string, { namespace: string; name: string; resources: ObservedResource[] }>();
  for (const resource of observed) {
    const owner = parseOwnership(resource.body.description);
    if (owner === undefined || owner.instanceId !== instanceId) continue;
    const key = `${owner.namespace}/${owner.name}`;
    const entry = byOwner.get(key) ?? { namespace: owner.namespace, name: owner.name, resources: [] };
    byOwner.set(key, entry);
    entry.resources.push(resource);
  }
  return [...byOwner.values()]
    .map((entry) => summarizeOne(entry.namespace, entry.name, entry.resources))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

function summarizeOne(
  namespace: string,
  name: string,
  resources: readonly ObservedResource[],
): LoadBalancerState {
  const groups = new Map<string, Set<string>>();
  let negs = 0;
  let instanceGroups = 0;
  for (const r of resources) {
    if (r.kind !== 'backendServices' || !Array.isArray(r.body.backends)) continue;
    for (const backend of r.body.backends as readonly Record<string, unknown>[]) {
      if (typeof backend.group !== 'string') continue;
      if (backend.group.includes('/networkEndpointGroups/')) negs++;
      else if (backend.group.includes('/instanceGroups/')) instanceGroups++;
      const cluster = clusterOfBackend(backend.description) ?? '';
      const set = groups.get(cluster) ?? new Set<string>();
      groups.set(cluster, set);
      set.add(backend.group);
    }
  }
  const ipAddress = vipOf(resources);
  const backendMode: BackendMode | undefined =
    negs > 0 ? 'neg' : instanceGroups > 0 ? 'instance-group' : undefined;
  return {
    namespace,
    name,
    ...(ipAddress === undefined ? {} : { ipAddress }),
    clusters: [...groups.keys()].filter((c) => c !== '').sort(compare),
    groups: Object.fromEntries(
      [...groups].sort(([a], [b]) => compare(a, b)).map(([c, set]) => [c, [...set].sort(compare)]),
    ),
    ...(backendMode === undefined ? {} : { backendMode }),
    resources: resources.map((r) => ({ kind: r.kind, name: r.name })),
  };
}

function vipOf(resources: readonly ObservedResource[]): string | undefined {
  for (const r of resources) {
    const ip = r.body.IPAddress;
    if (r.kind === 'globalForwardingRules' && typeof ip === 'string' && LITERAL_IP.test(ip)) return ip;
  }
  for (const r of resources) {
    if (r.kind === 'addresses' && typeof r.body.address === 'string') return r.body.address;
  }
  return undefined;
}

/**
 * The load balancer called `name` (in `namespace` when given). Undefined when there is none;
 * throws AmbiguousLoadBalancerError when the name is used in several namespaces and none is given.
 */
export function findLoadBalancer(
  states: readonly LoadBalancerState[],
  name: string,
  namespace?: string,
): LoadBalancerState | undefined {
  const matches = states.filter(
    (s) => s.name === name && (namespace === undefined || s.namespace === namespace),
  );
  if (matches.length > 1)
    throw new AmbiguousLoadBalancerError(
      name,
      matches.map((m) => m.namespace),
    );
  return matches[0];
}

/** A load balancer name used in several namespaces, with none given. */
export class AmbiguousLoadBalancerError extends KubemciError {
  override name = 'AmbiguousLoadBalancerError';

  constructor(lbName: string, namespaces: readonly string[]) {
    super(
      `load balancer ${lbName} exists in namespaces ${namespaces.join(', ')}; give --namespace to choose`,
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
