/**
 * The cluster's nodes: for each, a VM in the Compute API (when there is one) and a Ready Node
 * object carrying what GKE's Nodes carry (zone and hostname labels, `gce://` provider ID, pod
 * CIDR, internal address). Each node owns a pod range that is also its VM's alias IP range, so
 * pod IPs are addresses of the VM, as NEG endpoints must be.
 */
import type { V1Node } from '@kubernetes/client-node';
import { PodIpAllocator, formatCidr, formatIp, type Cidr } from './cidr.ts';
import type { ComputeApi } from './compute.ts';
import { ComputeCallError, KubeCallError } from './errors.ts';
import { httpStatus, ignoreNotFound, mergePatch, type KubeClients } from './kube.ts';
import type { NodePlan } from './options.ts';

/** The label that marks the Nodes one simulator made (its value: the simulator's node prefix). */
export const SIMULATED_NODE_LABEL = 'simulator.kubemci.io/node-prefix';
/** GKE's zone label, which the EndpointSlice controller copies into every endpoint. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** One simulated node. */
export interface SimNode {
  readonly name: string;
  readonly zone: string;
  readonly podCidr: Cidr;
  /** The VM's (or, without a Compute API, a made-up) internal address. */
  readonly internalIp: string;
  /** The VM's URL as the API returns it; undefined without a Compute API. */
  readonly instanceUrl: string | undefined;
  readonly pods: PodIpAllocator;
}

/** What the pool needs to know about its cluster. */
export interface NodePoolContext {
  readonly clients: KubeClients;
  readonly compute: ComputeApi | undefined;
  readonly clusterName: string;
  readonly nodePrefix: string;
  readonly network: string;
  readonly networkTag: string;
}

/** The nodes of one simulated cluster. */
export class NodePool {
  readonly #ctx: NodePoolContext;
  readonly #nodes = new Map<string, SimNode>();

  constructor(ctx: NodePoolContext) {
    this.#ctx = ctx;
  }

  /** Every node, by name order. */
  list(): SimNode[] {
    return [...this.#nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The node called `name`, if it is one of ours. */
  get(name: string): SimNode | undefined {
    return this.#nodes.get(name);
  }

  /** Node name → zone, for every node. */
  zonesByNode(): Map<string, string> {
    return new Map(this.list().map((n) => [n.name, n.zone]));
  }

  /** The zones that have at least one node, sorted. */
  zones(): string[] {
    return [...new Set(this.list().map((n) => n.zone))].sort();
  }

  /**
   * Creates the node's VM (adopting one that exists) and its Node object (replacing one left
   * behind with another pod range), and marks it Ready. Throws ComputeCallError or KubeCallError.
   */
  async add(plan: NodePlan, index: number): Promise<SimNode> {
    const { instanceUrl, internalIp } = await this.#ensureVm(plan, index);
    await this.#ensureNodeObject(plan, internalIp);
    const node: SimNode = { ...plan, internalIp, instanceUrl, pods: new PodIpAllocator(plan.podCidr) };
    this.#nodes.set(plan.name, node);
    return node;
  }

  /** Deletes the Node object and its VM; the node is forgotten first, so nothing schedules to it. */
  async remove(name: string): Promise<void> {
    const node = this.#nodes.get(name);
    this.#nodes.delete(name);
    try {
      await ignoreNotFound(() => this.#ctx.clients.core.deleteNode({ name }));
    } catch (err) {
      throw new KubeCallError(`deleting Node ${name}`, httpStatus(err), { cause: err });
    }
    if (node && this.#ctx.compute) await this.#ctx.compute.deleteInstance(node.zone, name);
  }

  async #ensureVm(
    plan: NodePlan,
    index: number,
  ): Promise<{ instanceUrl: string | undefined; internalIp: string }> {
    const compute = this.#ctx.compute;
    if (!compute) {
      // No Compute API: an address from 10.128.0.0/16 (us-central1's default subnet) stands in.
      return { instanceUrl: undefined, internalIp: formatIp(((10 << 24) | (128 << 16)) + index + 2) };
    }
    let vm = await compute.getInstance(plan.zone, plan.name);
    if (!vm) {
      try {
        await compute.insertInstance(plan.zone, this.#vmBody(plan, compute.project));
      } catch (err) {
        if (!(err instanceof ComputeCallError && err.status === 409)) throw err;
      }
      vm = await compute.getInstance(plan.zone, plan.name);
    }
    const ip = vm?.networkInterfaces?.[0]?.networkIP;
    if (!vm?.selfLink || !ip) {
      throw new ComputeCallError(
        'instances.get',
        500,
        'incomplete',
        `VM ${plan.name} has no selfLink or networkIP`,
      );
    }
    return { instanceUrl: vm.selfLink, internalIp: ip };
  }

  #vmBody(plan: NodePlan, project: string) {
    const network = this.#ctx.network.startsWith('global/')
      ? `projects/${project}/${this.#ctx.network}`
      : this.#ctx.network;
    return {
      name: plan.name,
      machineType: `zones/${plan.zone}/machineTypes/e2-medium`,
      networkInterfaces: [{ network, aliasIpRanges: [{ ipCidrRange: formatCidr(plan.podCidr) }] }],
      tags: { items: [this.#ctx.networkTag] },
      labels: { 'goog-k8s-cluster-name': this.#ctx.clusterName },
      disks: [
        {
          boot: true,
          autoDelete: true,
          initializeParams: {
            sourceImage: 'projects/cos-cloud/global/images/family/cos-stable',
            diskSizeGb: '100',
          },
        },
      ],
    };
  }

  async #ensureNodeObject(plan: NodePlan, internalIp: string): Promise<void> {
    const core = this.#ctx.clients.core;
    const body = this.#nodeBody(plan);
    try {
      const existing = await core.readNode({ name: plan.name }).catch((err: unknown) => {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      });
      // spec.podCIDR cannot change once set: a Node left with another range is replaced.
      if (existing && existing.spec?.podCIDR !== formatCidr(plan.podCidr)) {
        await ignoreNotFound(() => core.deleteNode({ name: plan.name, gracePeriodSeconds: 0 }));
      }
      if (existing && existing.spec?.podCIDR === formatCidr(plan.podCidr)) {
        await core.patchNode(
          { name: plan.name, body: { metadata: { labels: body.metadata?.labels } } },
          mergePatch,
        );
      } else {
        await core.createNode({ body });
      }
      await core.patchNodeStatus(
        { name: plan.name, body: { status: nodeStatus(plan, internalIp) } },
        mergePatch,
      );
    } catch (err) {
      throw new KubeCallError(`registering Node ${plan.name}`, httpStatus(err), { cause: err });
    }
  }

  #nodeBody(plan: NodePlan): V1Node {
    const project = this.#ctx.compute?.project ?? 'simulated';
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: plan.name,
        labels: {
          'kubernetes.io/hostname': plan.name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          [ZONE_LABEL]: plan.zone,
          'topology.kubernetes.io/region': plan.zone.replace(/-[a-z]$/, ''),
          'node.kubernetes.io/instance-type': 'e2-medium',
          'cloud.google.com/gke-nodepool': 'default-pool',
          [SIMULATED_NODE_LABEL]: this.#ctx.nodePrefix,
        },
      },
      spec: {
        podCIDR: formatCidr(plan.podCidr),
        podCIDRs: [formatCidr(plan.podCidr)],
        providerID: `gce://${project}/${plan.zone}/${plan.name}`,
      },
    };
  }
}

function nodeStatus(plan: NodePlan, internalIp: string) {
  const now = new Date().toISOString();
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: reason,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  const resources = { cpu: '2', memory: '4026324Ki', pods: '110', 'ephemeral-storage': '98831908Ki' };
  return {
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      condition('Ready', 'True', 'KubeletReady'),
    ],
    addresses: [
      { type: 'InternalIP', address: internalIp },
      { type: 'Hostname', address: plan.name },
    ],
    capacity: resources,
    allocatable: resources,
    nodeInfo: {
      architecture: 'amd64',
      operatingSystem: 'linux',
      osImage: 'Container-Optimized OS (simulated)',
      kernelVersion: '6.6.0',
      kubeletVersion: 'v1.36.0',
      kubeProxyVersion: 'v1.36.0',
      containerRuntimeVersion: 'containerd://2.0.0',
      machineID: plan.name,
      systemUUID: plan.name,
      bootID: plan.name,
    },
  };
}
