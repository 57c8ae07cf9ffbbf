/**
 * What the members say, once, for `plan`: the controller's own member session (the same facts,
 * derived the same way) fed by lists made once instead of long-running watches. Each member is
 * reached as the controller reaches it: from its Cluster and the credential Secret beside it.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Subject } from 'rxjs';
import { ClusterConnectionError, connectCluster, type ReadSecret } from '../../kube/cluster-connection.ts';
import { apiStatusCode, describeCallFailure, makeMemberApis } from '../../kube/member-apis.ts';
import { MemberClusterSession, type MemberNeed, type MemberWatchSpec } from '../../kube/member-facts.ts';
import { nodeNetworkOf } from '../../kube/member-node-network.ts';
import type { WatchEvent, WatchSource } from '../../kube/watch-source.ts';
import type { MemberFacts } from '../../model/member-facts.ts';
import type { ClusterObject } from '../../pipeline/types.ts';
import { oneLine } from './errors.ts';

/**
 * Why a member could not be read. `refused`: the controller could not connect either (its Cluster
 * or credentials are refused, or the member rejects or forbids them). `unreachable`: no answer;
 * the controller would keep the member's last-known backends for a while. `no-access`: the
 * person running the command may not read what the controller reads (a credential Secret).
 */
export type MemberFailure = 'refused' | 'unreachable' | 'no-access';

/** What one member said. */
export interface MemberReading {
  readonly cluster: string;
  /** Undefined when the member could not be read. */
  readonly facts?: MemberFacts;
  readonly failure?: { readonly kind: MemberFailure; readonly message: string };
}

/** What reading the members needs. */
export interface MemberReadRequest {
  /** The selected Clusters. */
  readonly clusters: readonly ClusterObject[];
  /** Reads a registry Secret as the person running the command. */
  readonly readSecret: ReadSecret;
  readonly need: MemberNeed;
  readonly instanceId: string;
  readonly controllerAddress?: string;
  readonly googleToken?: () => Promise<string>;
  /** Reading all members must end by then (ms). */
  readonly timeoutMs: number;
}

/** Reads the members of a plan; one reading per Cluster, in order. Never rejects. */
export type MemberReader = (request: MemberReadRequest) => Promise<MemberReading[]>;

/** A registry read refused to the person running the command, kept apart from the controller's. */
class NoAccessError extends Error {
  override name = 'NoAccessError';
}

/**
 * The real reader: for each Cluster, connect as the controller does, list what the Ingress
 * needs once through a MemberClusterSession, and take its facts.
 */
export const readMembersOnce: MemberReader = async (request) => {
  const signal = AbortSignal.timeout(request.timeoutMs);
  return Promise.all(request.clusters.map((cluster) => readOne(cluster, request, signal)));
};

async function readOne(
  cluster: ClusterObject,
  request: MemberReadRequest,
  signal: AbortSignal,
): Promise<MemberReading> {
  const name = cluster.metadata?.name ?? '';
  const readSecret: ReadSecret = async (ns, secret) => {
    try {
      return await request.readSecret(ns, secret);
    } catch (err) {
      throw new NoAccessError(oneLine(err), { cause: err });
    }
  };
  let kubeConfig: KubeConfig;
  try {
    const connection = await connectCluster(cluster, readSecret, {
      ...(request.controllerAddress !== undefined ? { controllerAddress: request.controllerAddress } : {}),
      ...(request.googleToken ? { googleToken: request.googleToken } : {}),
    });
    kubeConfig = connection.kubeConfig;
  } catch (err) {
    if (err instanceof ClusterConnectionError && err.cause instanceof NoAccessError) {
      return {
        cluster: name,
        failure: {
          kind: 'no-access',
          message: `${err.message}: plan reaches members with the controller's credentials, so it needs to get the Secrets of their Clusters`,
        },
      };
    }
    return { cluster: name, failure: { kind: 'refused', message: oneLine(err) } };
  }
  const snapshots = snapshotWatches(kubeConfig, name, signal);
  const session = new MemberClusterSession({
    cluster: name,
    instanceId: request.instanceId,
    watch: snapshots.factory,
    nodeNetwork: nodeNetworkOf(cluster),
    // A list that failed stays failed: this is one reading, not a controller that waits it out.
    timers: { set: () => undefined, clear: () => undefined },
  });
  try {
    session.setNeeds([request.need]);
    await snapshots.settled();
    const failures = snapshots.failures();
    if (failures.length > 0) {
      const unreachable = failures.some((f) => f.status === undefined || f.status >= 500);
      return {
        cluster: name,
        failure: {
          kind: unreachable ? 'unreachable' : 'refused',
          message: failures.map((f) => f.message).join('; '),
        },
      };
    }
    return { cluster: name, facts: session.facts(request.need.namespace, { ingress: request.need.ingress }) };
  } finally {
    await session.stop();
  }
}

interface ListFailure {
  readonly status: number | undefined;
  readonly message: string;
}

/**
 * A MemberWatchFactory whose sources list once and never watch, and a way to wait until every
 * list started (including those the session starts on seeing the first ones) has answered.
 */
function snapshotWatches(kubeConfig: KubeConfig, cluster: string, signal: AbortSignal) {
  const apis = makeMemberApis(kubeConfig, { signal });
  const pending = new Set<Promise<void>>();
  const failed: ListFailure[] = [];
  const listOf = (spec: MemberWatchSpec): Promise<{ items: KubernetesObject[] }> => {
    const request = {
      namespace: spec.namespace,
      ...(spec.labelSelector !== undefined ? { labelSelector: spec.labelSelector } : {}),
    };
    switch (spec.kind) {
      case 'Service':
        return apis.core.listNamespacedService(request);
      case 'Pod':
        return apis.core.listNamespacedPod(request);
      case 'Ingress':
        return apis.networking.listNamespacedIngress(request);
    }
  };
  const factory = (spec: MemberWatchSpec): WatchSource<KubernetesObject> => {
    const events = new Subject<WatchEvent<KubernetesObject>>();
    let objects: KubernetesObject[] = [];
    let synced = false;
    let lastError: string | undefined;
    const what = `${spec.kind.toLowerCase()}s in namespace ${spec.namespace}`;
    const done = listOf(spec).then(
      (list) => {
        objects = list.items;
        synced = true;
        for (const object of objects) events.next({ type: 'added', object });
        events.next({ type: 'synced' });
      },
      (err: unknown) => {
        lastError = `cluster ${cluster}: cannot list ${what}: ${describeCallFailure(err)}`;
        failed.push({ status: apiStatusCode(err), message: lastError });
        events.next({ type: 'error', error: new Error(lastError, { cause: err }) });
      },
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
    return {
      events$: events.asObservable(),
      get: (name, namespace) =>
        objects.find(
          (o) =>
            o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace),
        ),
      list: (namespace) =>
        namespace === undefined ? objects : objects.filter((o) => o.metadata?.namespace === namespace),
      health: () => ({
        name: `snapshot/${cluster}/${what}`,
        lastActivity: Date.now(),
        synced,
        ...(lastError !== undefined ? { lastError } : {}),
      }),
      stop: async () => events.complete(),
    };
  };
  return {
    factory,
    /** Resolves once no list is in flight; lists started meanwhile are awaited too. */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    failures: (): readonly ListFailure[] => failed,
  };
}
