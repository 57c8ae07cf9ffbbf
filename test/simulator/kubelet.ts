/**
 * The scheduler and the kubelets of one simulated cluster, as one controller over pods: it binds
 * pending pods to the simulated nodes (through `pods/binding`, as kube-scheduler does), reports
 * bound pods Running with an IP of their node's range and Ready as the readiness rules say
 * (through `pods/status`, as the kubelet does), and finishes graceful deletions (as the kubelet
 * does once containers have stopped), so the real EndpointSlice and Deployment controllers see
 * what they would see on GKE.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { KubeCallError } from './errors.ts';
import { httpStatus, mergePatch, type KubeClients } from './kube.ts';
import { ListWatchCache } from './list-watch.ts';
import type { NodePool, SimNode } from './node-pool.ts';
import { runningStatus, statusUpToDate } from './pod-status.ts';
import { ReadinessRules, selects, type PodSelector } from './readiness.ts';
import { pickNode, wantsScheduling } from './scheduling.ts';
import { WorkQueue } from './work-queue.ts';

/** What the kubelet controller needs. */
export interface KubeletContext {
  readonly clients: KubeClients;
  readonly pool: NodePool;
  readonly inScope: (namespace: string | undefined) => boolean;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly onError: (err: Error) => void;
}

/** Where a pod's address came from, remembered so that it is released exactly once. */
interface Lease {
  readonly uid: string;
  readonly node: string;
  readonly ip: string;
}

/** The scheduler + kubelet controller. */
export class Kubelet {
  readonly readiness = new ReadinessRules();
  readonly #ctx: KubeletContext;
  readonly #pods: ListWatchCache<V1Pod>;
  readonly #queue: WorkQueue;
  readonly #leases = new Map<string, Lease>();
  /** Pods bound by us whose binding the cache has not shown yet (kube-scheduler's "assumed" pods). */
  readonly #assumed = new Map<string, string>();
  #ready = false;

  constructor(ctx: KubeletContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      handler: (key) => this.#reconcile(key),
      concurrency: 4,
      backoff: ctx.retry,
      onError: (key, err) => ctx.onError(new KubeCallError(`pod ${key}`, httpStatus(err), { cause: err })),
    });
    this.#pods = new ListWatchCache<V1Pod>(ctx.clients.kc, {
      path: '/api/v1/pods',
      list: () => ctx.clients.core.listPodForAllNamespaces(),
      onEvent: (e) => {
        if (this.#ready && ctx.inScope(e.object.metadata?.namespace)) this.#queue.add(keyOf(e.object));
      },
      onError: ctx.onError,
      backoff: ctx.retry,
    });
  }

  /**
   * Starts watching pods; resolves once the existing pods are known and their addresses claimed
   * (so a restarted simulator never hands out an address a pod already has).
   */
  async start(): Promise<void> {
    this.#pods.start();
    await this.#pods.synced;
    for (const pod of this.#pods.list()) {
      const node = pod.spec?.nodeName ? this.#ctx.pool.get(pod.spec.nodeName) : undefined;
      const ip = pod.status?.podIP;
      if (node && ip && pod.metadata?.uid && node.pods.claim(ip)) {
        this.#leases.set(keyOf(pod), { uid: pod.metadata.uid, node: node.name, ip });
      }
    }
    this.#ready = true;
    this.resyncAll();
  }

  /** Queues every pod in scope (after nodes change, or readiness rules). */
  resyncAll(): void {
    for (const pod of this.#pods.list()) {
      if (this.#ctx.inScope(pod.metadata?.namespace)) this.#queue.add(keyOf(pod));
    }
  }

  /** Pods in scope bound to `node`, from the cache. */
  podsOn(node: string): V1Pod[] {
    return this.#pods
      .list()
      .filter((p) => p.spec?.nodeName === node && this.#ctx.inScope(p.metadata?.namespace));
  }

  /**
   * Makes the selected pods (and, for `'all'`, every later pod) Ready or not, and resolves once
   * their statuses are written.
   */
  async setReady(selector: PodSelector, ready: boolean): Promise<void> {
    this.readiness.set(selector, ready);
    for (const pod of this.#pods.list()) {
      if (this.#ctx.inScope(pod.metadata?.namespace) && selects(selector, pod)) this.#queue.add(keyOf(pod));
    }
    await this.#queue.whenIdle();
  }

  /** Resolves when no pod is queued or being handled. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /**
   * Force-deletes every pod in scope bound to `node` (what the pod GC does once a node is gone).
   */
  async evict(node: string): Promise<void> {
    await Promise.all(this.podsOn(node).map((pod) => this.#finishDeletion(pod)));
  }

  /** Stops the watch and the queue; resolves once nothing runs. */
  async stop(): Promise<void> {
    this.#ready = false;
    await this.#pods.stop();
    await this.#queue.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const pod = this.#pods.get(name, namespace);
    const lease = this.#leases.get(key);
    if (lease && (!pod || pod.metadata?.uid !== lease.uid)) this.#release(key);
    if (!pod || pod.spec?.nodeName) this.#assumed.delete(key);
    if (!pod) return;
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? this.#ctx.pool.get(nodeName) : undefined;
    if (pod.metadata?.deletionTimestamp) {
      // An unbound pod is deleted at once by the apiserver; a bound one waits for its kubelet.
      if (node) await this.#finishDeletion(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.#release(key);
      return;
    }
    if (!nodeName) {
      if (!wantsScheduling(pod)) return;
      const chosen = this.#schedule(pod);
      if (!chosen) return;
      this.#assumed.set(key, chosen.name);
      try {
        await this.#bind(pod, chosen.name);
      } catch (err) {
        this.#assumed.delete(key);
        // 409: bound meanwhile (by an earlier run of this key); the watch brings the pod back.
        if (httpStatus(err) === 409) return;
        throw err;
      }
      await this.#writeStatus(pod, chosen);
      return;
    }
    if (node) await this.#writeStatus(pod, node);
  }

  #schedule(pod: V1Pod): SimNode | undefined {
    const counts = new Map<string, number>();
    for (const p of this.#pods.list()) {
      const n = p.spec?.nodeName ?? this.#assumed.get(keyOf(p));
      if (n && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
        counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const nodes = this.#ctx.pool.list().map((n) => ({
      name: n.name,
      labels: { 'kubernetes.io/hostname': n.name, 'topology.kubernetes.io/zone': n.zone },
      pods: counts.get(n.name) ?? 0,
    }));
    const name = pickNode(pod, nodes);
    return name ? this.#ctx.pool.get(name) : undefined;
  }

  async #bind(pod: V1Pod, node: string): Promise<void> {
    const { name = '', namespace = '' } = pod.metadata ?? {};
    await this.#ctx.clients.core.createNamespacedPodBinding({
      name,
      namespace,
      body: { metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
    });
  }

  async #writeStatus(pod: V1Pod, node: SimNode): Promise<void> {
    const key = keyOf(pod);
    const uid = pod.metadata?.uid ?? '';
    let lease = this.#leases.get(key);
    if (!lease) {
      const current = pod.status?.podIP;
      const ip = current && node.pods.claim(current) ? current : node.pods.allocate();
      lease = { uid, node: node.name, ip };
      this.#leases.set(key, lease);
    }
    const r = { hostIP: node.internalIp, podIP: lease.ip, ready: this.readiness.readyFor(pod) };
    if (statusUpToDate(pod, r)) return;
    const { name = '', namespace = '' } = pod.metadata ?? {};
    try {
      await this.#ctx.clients.core.patchNamespacedPodStatus(
        { name, namespace, body: { status: runningStatus(pod, { ...r, now: new Date().toISOString() }) } },
        mergePatch,
      );
    } catch (err) {
      // Deleted meanwhile: its delete event releases the address.
      if (httpStatus(err) !== 404) throw err;
    }
  }

  async #finishDeletion(pod: V1Pod): Promise<void> {
    const { name = '', namespace = '', uid } = pod.metadata ?? {};
    try {
      await this.#ctx.clients.core.deleteNamespacedPod({
        name,
        namespace,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: uid ? { uid } : undefined },
      });
    } catch (err) {
      // 404: gone already; 409: the uid precondition failed, so this pod is gone too.
      const status = httpStatus(err);
      if (status !== 404 && status !== 409) throw err;
    }
    this.#release(keyOf(pod));
  }

  #release(key: string): void {
    const lease = this.#leases.get(key);
    if (!lease) return;
    this.#leases.delete(key);
    this.#ctx.pool.get(lease.node)?.pods.release(lease.ip);
  }
}

function keyOf(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
