/**
 * The options of one simulated member cluster, their defaults, and their validation (done once,
 * before anything starts). Pure.
 */
import { formatCidr, parseCidr, subnet, type Cidr } from './cidr.ts';
import type { ComputeTarget } from './compute.ts';
import { SimulatorConfigError } from './errors.ts';
import type { HealthSink } from './health-sink.ts';
import { isGceName } from './names.ts';
import type { NegEndpointMode } from './neg-desired.ts';

/** Options for one {@link MemberSimulator}. */
export interface MemberSimulatorOptions {
  /** The cluster's name (`member-1`): in node names, network tags and messages. */
  readonly clusterName: string;
  /** Path of an admin kubeconfig for the member's apiserver. */
  readonly kubeconfig: string;
  /**
   * The Compute API (the emulator). Without it the simulator runs Kubernetes only: nodes without
   * VMs, pods that run, and no NEG or instance-group controller.
   */
  readonly compute?: ComputeTarget;
  /** Where backend health goes (the emulator's hook); nowhere by default. */
  readonly healthSink?: HealthSink;
  /** Zones the nodes are spread over. Default `['us-central1-a']`. */
  readonly zones?: readonly string[];
  /** Nodes per zone. Default 1. */
  readonly nodesPerZone?: number;
  /** Node (and VM) names are `<nodePrefix>-<zone>-<n>`. Default `gke-<clusterName>`. */
  readonly nodePrefix?: string;
  /**
   * The cluster's pod range; node `i` gets its `i`-th /24 as pod CIDR and VM alias range. Default
   * `10.4.0.0/14`. Members sharing one emulator need disjoint ranges ({@link startSimulators}
   * gives each its own).
   */
  readonly podCidr?: string;
  /** Only pods, Services and Ingresses in these namespaces are handled. Default: all namespaces. */
  readonly namespaces?: readonly string[];
  /** The UID in GCE names (`k8s-ig--<uid>`). Default: from the kube-system namespace's UID. */
  readonly clusterUid?: string;
  /** The VMs' network tag. Default `gke-<clusterName>-<uid[:8]>-node`. */
  readonly networkTag?: string;
  /** The VMs' and NEGs' network. Default `global/networks/default`. */
  readonly network?: string;
  /** Which endpoints NEGs hold. Default `'ready'`. */
  readonly negEndpoints?: NegEndpointMode;
  /** Which GCE-side controllers run when `compute` is set. Default: both. */
  readonly controllers?: { readonly neg?: boolean; readonly instanceGroups?: boolean };
  /** Every key is reconciled again this often (GCE drift is not watched). Default 30 s. */
  readonly resyncMs?: number;
  /** First and largest retry delay of a failed reconcile. Default 200 ms … 5 s. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** Told about every failure in the background (they are also kept in `errors`). */
  readonly onError?: (err: Error) => void;
}

/** The options with every default filled in and checked. */
export interface ResolvedOptions {
  readonly clusterName: string;
  readonly kubeconfig: string;
  readonly compute: ComputeTarget | undefined;
  readonly healthSink: HealthSink | undefined;
  readonly zones: readonly string[];
  readonly nodesPerZone: number;
  readonly nodePrefix: string;
  readonly podCidr: Cidr;
  readonly namespaces: ReadonlySet<string> | undefined;
  readonly clusterUid: string | undefined;
  readonly networkTag: string | undefined;
  readonly network: string;
  readonly negEndpoints: NegEndpointMode;
  readonly controllers: { readonly neg: boolean; readonly instanceGroups: boolean };
  readonly resyncMs: number;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly onError: ((err: Error) => void) | undefined;
}

/** One node the simulator will create. */
export interface NodePlan {
  readonly name: string;
  readonly zone: string;
  /** The node's pod range (spec.podCIDR, and the VM's alias IP range). */
  readonly podCidr: Cidr;
}

const ZONE_RE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/** Fills in defaults and validates; throws SimulatorConfigError naming the first bad option. */
export function resolveOptions(o: MemberSimulatorOptions): ResolvedOptions {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.clusterName)) {
    throw new SimulatorConfigError(`clusterName ${JSON.stringify(o.clusterName)} must be a DNS label`);
  }
  const zones = [...(o.zones ?? ['us-central1-a'])];
  if (zones.length === 0) throw new SimulatorConfigError('zones must name at least one zone');
  for (const z of zones)
    if (!ZONE_RE.test(z)) throw new SimulatorConfigError(`zone ${JSON.stringify(z)} is not a zone name`);
  if (new Set(zones).size !== zones.length) throw new SimulatorConfigError('zones must not repeat');
  const nodesPerZone = o.nodesPerZone ?? 1;
  if (!Number.isInteger(nodesPerZone) || nodesPerZone < 0 || nodesPerZone > 100) {
    throw new SimulatorConfigError('nodesPerZone must be an integer from 0 to 100');
  }
  const nodePrefix = o.nodePrefix ?? `gke-${o.clusterName}`;
  const podCidr = parseCidr(o.podCidr ?? '10.4.0.0/14');
  if (podCidr.bits > 24)
    throw new SimulatorConfigError(`podCidr ${formatCidr(podCidr)} is smaller than one /24`);
  const resyncMs = o.resyncMs ?? 30_000;
  if (!(resyncMs >= 100)) throw new SimulatorConfigError('resyncMs must be at least 100');
  const retry = o.retry ?? { initialMs: 200, maxMs: 5_000 };
  if (!(retry.initialMs > 0 && retry.maxMs >= retry.initialMs)) {
    throw new SimulatorConfigError('retry needs 0 < initialMs <= maxMs');
  }
  if (o.clusterUid !== undefined && !/^[a-z0-9]{1,16}$/.test(o.clusterUid)) {
    throw new SimulatorConfigError('clusterUid must be 1 to 16 lowercase letters or digits');
  }
  if (o.networkTag !== undefined && !isGceName(o.networkTag)) {
    throw new SimulatorConfigError(`networkTag ${JSON.stringify(o.networkTag)} is not a valid GCE name`);
  }
  const resolved: ResolvedOptions = {
    clusterName: o.clusterName,
    kubeconfig: o.kubeconfig,
    compute: o.compute,
    healthSink: o.healthSink,
    zones,
    nodesPerZone,
    nodePrefix,
    podCidr,
    namespaces: o.namespaces ? new Set(o.namespaces) : undefined,
    clusterUid: o.clusterUid,
    networkTag: o.networkTag,
    network: o.network ?? 'global/networks/default',
    negEndpoints: o.negEndpoints ?? 'ready',
    controllers: { neg: o.controllers?.neg ?? true, instanceGroups: o.controllers?.instanceGroups ?? true },
    resyncMs,
    retry,
    onError: o.onError,
  };
  planNodes(resolved, 0);
  return resolved;
}

/**
 * The nodes of a cluster, zone by zone; `extra` reserves room for nodes added later (their names
 * and ranges come after these). Throws SimulatorConfigError if a name is not a valid GCE and
 * Kubernetes name or the pod range has too few /24s.
 */
export function planNodes(o: ResolvedOptions, extra: number): NodePlan[] {
  const out: NodePlan[] = [];
  let index = 0;
  for (const zone of o.zones) {
    for (let i = 0; i < o.nodesPerZone; i++) out.push(nodePlan(o, zone, i, index++));
  }
  if (extra > 0) subnet(o.podCidr, 24, index + extra - 1);
  return out;
}

/** The plan of the `i`-th node of `zone`, the `index`-th node of the cluster. */
export function nodePlan(o: ResolvedOptions, zone: string, i: number, index: number): NodePlan {
  const name = `${o.nodePrefix}-${zone}-${i}`;
  if (!isGceName(name)) {
    throw new SimulatorConfigError(
      `node name ${JSON.stringify(name)} is not a valid GCE instance name (nodePrefix too long?)`,
    );
  }
  return { name, zone, podCidr: subnet(o.podCidr, 24, index) };
}
