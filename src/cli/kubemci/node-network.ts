/**
 * A member's node network tags and VPC network, which the firewall targets (DESIGN §3). The
 * controller reads them from its Cluster's annotations; the CLI has no Cluster, so it takes
 * `--node-tags CONTEXT=TAG` when given and otherwise does what kubemci did: read the VMs behind
 * the nodes. It reads one node per zone (by `spec.providerID`, `gce://PROJECT/ZONE/NAME`) and
 * keeps the tags they all share, so a tag put on one VM by hand does not widen the rule.
 */
import type { NodeNetwork } from '../../kube/member-node-network.ts';
import { ClusterError } from './errors.ts';
import type { InstanceReader } from './instance-reader.ts';
import type { NodeRef } from './member-reads.ts';

const PROVIDER_ID = /^gce:\/\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * The nodes to read: the first node (by name) of each zone that has a GCE provider ID. Pure.
 */
export function sampleNodes(nodes: readonly NodeRef[]): { project: string; zone: string; name: string }[] {
  const byZone = new Map<string, { project: string; zone: string; name: string }>();
  for (const node of nodes) {
    const match = PROVIDER_ID.exec(node.providerId ?? '');
    if (!match) continue;
    const [, project, zone, name] = match;
    if (!byZone.has(zone!)) byZone.set(zone!, { project: project!, zone: zone!, name: name! });
  }
  return [...byZone.values()].sort((a, b) => (a.zone < b.zone ? -1 : 1));
}

/**
 * Discovers the node network of `cluster` from its `nodes`: the tags every sampled VM has, and
 * the first VM's network. Resolves `{}` when no node runs on GCE (translate then reports that the
 * firewall cannot target the cluster). Rejects with ClusterError when a VM cannot be read.
 */
export async function discoverNodeNetwork(
  cluster: string,
  nodes: readonly NodeRef[],
  readInstance: InstanceReader,
): Promise<NodeNetwork> {
  const sample = sampleNodes(nodes);
  let tags: string[] | undefined;
  let network: string | undefined;
  for (const vm of sample) {
    let info;
    try {
      info = await readInstance(vm.project, vm.zone, vm.name);
    } catch (err) {
      throw new ClusterError(cluster, err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (info === undefined) continue;
    tags = tags === undefined ? [...info.tags] : tags.filter((t) => info.tags.includes(t));
    network ??= info.network;
  }
  return {
    ...(tags !== undefined && tags.length > 0 ? { tags: [...new Set(tags)].sort() } : {}),
    ...(network !== undefined ? { network } : {}),
  };
}
