/**
 * One simulated GKE member cluster: what runs on and around a real apiserver to make it behave
 * like GKE for a multicluster ingress controller. It creates nodes (Node objects and their VMs),
 * schedules and runs pods (Running, Ready, with pod IPs), and plays GKE's NEG and instance-group
 * controllers against the Compute API, reporting backend health as pods turn ready or not.
 */
import { formatCidr } from './cidr.ts';
import { ComputeApi } from './compute.ts';
import { KubeCallError, SimulatorError } from './errors.ts';
import { InstanceGroupController } from './instance-group-controller.ts';
import { httpStatus, kubeClients, type KubeClients } from './kube.ts';
import { Kubelet } from './kubelet.ts';
import { clusterUidFrom, instanceGroupName, negName } from './names.ts';
import { NegController } from './neg-controller.ts';
import { NodePool, type SimNode } from './node-pool.ts';
import {
  nodePlan,
  planNodes,
  resolveOptions,
  type MemberSimulatorOptions,
  type ResolvedOptions,
} from './options.ts';
import type { PodSelector } from './readiness.ts';
import { ServiceCaches } from './service-caches.ts';

/** A node as tests see it. */
export interface SimulatedNode {
  readonly name: string;
  readonly zone: string;
  readonly internalIp: string;
  /** The node's pod range (`10.4.3.0/24`). */
  readonly podCidr: string;
  /** The VM's URL, when there is a Compute API. */
  readonly instanceUrl: string | undefined;
}

/** Options for {@link MemberSimulator.stop}. */
export interface StopOptions {
  /**
   * Delete the simulated Nodes (and their VMs) and force-delete the pods in scope bound to them,
   * as removing a node pool would. Default true: Nodes are cluster-wide and outlive the
   * simulator otherwise.
   */
  readonly deleteNodes?: boolean;
}

/** The simulator of one member cluster. */
export class MemberSimulator {
  readonly name: string;
  /** Every failure seen in the background, oldest first (also passed to `onError`). */
  readonly errors: Error[] = [];
  readonly #o: ResolvedOptions;
  readonly #clients: KubeClients;
  readonly #compute: ComputeApi | undefined;
  #uid: string | undefined;
  #pool: NodePool | undefined;
  #kubelet: Kubelet | undefined;
  #caches: ServiceCaches | undefined;
  #neg: NegController | undefined;
  #ig: InstanceGroupController | undefined;
  #resync: ReturnType<typeof setInterval> | undefined;
  #nodeCount = 0;
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  /** Validates the options (throws SimulatorConfigError); nothing starts until {@link start}. */
  constructor(options: MemberSimulatorOptions) {
    this.#o = resolveOptions(options);
    this.name = this.#o.clusterName;
    this.#clients = kubeClients(this.#o.kubeconfig);
    this.#compute = this.#o.compute ? new ComputeApi(this.#o.compute) : undefined;
  }

  /** The cluster UID in GCE names; known once started. */
  get clusterUid(): string {
    if (!this.#uid) throw new SimulatorError(`${this.name}: not started`);
    return this.#uid;
  }

  /** The name GKE gives the NEGs of one Service port in this cluster. */
  negName(namespace: string, service: string, port: number): string {
    return negName(this.clusterUid, namespace, service, port);
  }

  /** The name of this cluster's instance groups (the same in every zone). */
  get instanceGroupName(): string {
    return instanceGroupName(this.clusterUid);
  }

  /** The nodes, by name. */
  get nodes(): SimulatedNode[] {
    return (this.#pool?.list() ?? []).map(publicNode);
  }

  /** The network tag on every VM of this cluster. */
  get networkTag(): string {
    return this.#o.networkTag ?? `gke-${this.name}-${this.clusterUid.slice(0, 8)}-node`;
  }

  /**
   * Creates the nodes and their VMs, then starts the scheduler/kubelet and (with a Compute API)
   * the NEG and instance-group controllers, and resolves once every watch has listed. On failure
   * whatever started is stopped again, and the error (SimulatorError) says what failed.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new SimulatorError(`${this.name}: start() may be called once`);
    this.#state = 'starting';
    try {
      this.#uid = this.#o.clusterUid ?? (await this.#kubeSystemUid());
      const pool = new NodePool({
        clients: this.#clients,
        compute: this.#compute,
        clusterName: this.name,
        nodePrefix: this.#o.nodePrefix,
        network: this.#o.network,
        networkTag: this.networkTag,
      });
      this.#pool = pool;
      const plans = planNodes(this.#o, 0);
      await Promise.all(plans.map((p, i) => pool.add(p, i)));
      this.#nodeCount = plans.length;
      const onError = (err: Error) => this.#recordError(err);
      const inScope = (ns: string | undefined) =>
        !this.#o.namespaces || (ns !== undefined && this.#o.namespaces.has(ns));
      this.#kubelet = new Kubelet({ clients: this.#clients, pool, inScope, retry: this.#o.retry, onError });
      await this.#kubelet.start();
      if (this.#compute && (this.#o.controllers.neg || this.#o.controllers.instanceGroups)) {
        const caches = new ServiceCaches(this.#clients, onError, this.#o.retry);
        this.#caches = caches;
        const common = {
          clients: this.#clients,
          compute: this.#compute,
          pool,
          caches,
          clusterUid: this.#uid,
          healthSink: this.#o.healthSink,
          inScope,
          retry: this.#o.retry,
          onError,
        };
        if (this.#o.controllers.neg) {
          const neg = new NegController({ ...common, network: this.#o.network, mode: this.#o.negEndpoints });
          this.#neg = neg;
          caches.subscribe((e) => neg.onEvent(e));
        }
        if (this.#o.controllers.instanceGroups) {
          const ig = new InstanceGroupController(common);
          this.#ig = ig;
          caches.subscribe((e) => ig.onEvent(e));
        }
        await caches.start();
        this.#neg?.resyncAll();
        this.#ig?.resyncAll();
      }
      this.#resync = setInterval(() => this.#resyncAll(), this.#o.resyncMs);
      this.#resync.unref();
      this.#state = 'running';
    } catch (err) {
      await this.#shutdown(true).catch(() => undefined);
      this.#state = 'stopped';
      throw err instanceof SimulatorError
        ? err
        : new SimulatorError(`${this.name}: start failed`, { cause: err });
    }
  }

  /**
   * Makes the selected pods Ready (or not) and resolves once their statuses are written; `'all'`
   * also decides for pods created later. The EndpointSlice controller, and then the NEG
   * controller and health, follow on their own: wait for those with {@link whenIdle} or by polling.
   */
  async setReady(selector: PodSelector, ready: boolean): Promise<void> {
    if (!this.#kubelet) throw new SimulatorError(`${this.name}: not started`);
    await this.#kubelet.setReady(selector, ready);
  }

  /** Resolves once no controller has queued or running work (work caused later is not awaited). */
  async whenIdle(): Promise<void> {
    await Promise.all([this.#kubelet?.whenIdle(), this.#neg?.whenIdle(), this.#ig?.whenIdle()]);
  }

  /** Adds one node (and VM) in `zone`, which need not be one of the starting zones. */
  async addNode(zone: string): Promise<SimulatedNode> {
    const pool = this.#running();
    const existing = pool
      .list()
      .filter((n) => n.zone === zone)
      .map((n) => n.name);
    let i = 0;
    while (existing.includes(`${this.#o.nodePrefix}-${zone}-${i}`)) i++;
    const index = this.#nodeCount++;
    const node = await pool.add(nodePlan(this.#o, zone, i, index), index);
    this.#resyncAll();
    return publicNode(node);
  }

  /** Removes a node: its pods are force-deleted (their controllers recreate them), then the Node and VM. */
  async removeNode(name: string): Promise<void> {
    const pool = this.#running();
    if (!pool.get(name)) throw new SimulatorError(`${this.name}: no simulated node ${name}`);
    await pool.remove(name);
    await this.#kubelet?.evict(name);
    this.#resyncAll();
  }

  /** Stops every watch, queue and timer; see {@link StopOptions} for what is cleaned up. */
  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    await this.#shutdown(opts.deleteNodes ?? true);
  }

  async #shutdown(deleteNodes: boolean): Promise<void> {
    if (this.#resync) clearInterval(this.#resync);
    this.#resync = undefined;
    await Promise.all([this.#neg?.stop(), this.#ig?.stop()]);
    await this.#caches?.stop();
    const pool = this.#pool;
    if (deleteNodes && pool) {
      for (const node of pool.list()) {
        await pool.remove(node.name).catch((err: unknown) => this.#recordError(err as Error));
        await this.#kubelet?.evict(node.name).catch((err: unknown) => this.#recordError(err as Error));
      }
    }
    await this.#kubelet?.stop();
  }

  #running(): NodePool {
    if (this.#state !== 'running' || !this.#pool) throw new SimulatorError(`${this.name}: not running`);
    return this.#pool;
  }

  #resyncAll(): void {
    this.#kubelet?.resyncAll();
    this.#neg?.resyncAll();
    this.#ig?.resyncAll();
  }

  #recordError(err: Error): void {
    this.errors.push(err);
    this.#o.onError?.(err);
  }

  async #kubeSystemUid(): Promise<string> {
    try {
      const ns = await this.#clients.core.readNamespace({ name: 'kube-system' });
      const uid = ns.metadata?.uid;
      if (!uid) throw new SimulatorError('the kube-system namespace has no UID');
      return clusterUidFrom(uid);
    } catch (err) {
      throw new KubeCallError(`${this.name}: reading the kube-system namespace`, httpStatus(err), {
        cause: err,
      });
    }
  }
}

function publicNode(n: SimNode): SimulatedNode {
  return {
    name: n.name,
    zone: n.zone,
    internalIp: n.internalIp,
    podCidr: formatCidr(n.podCidr),
    instanceUrl: n.instanceUrl,
  };
}
