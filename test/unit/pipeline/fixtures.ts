import type { ClusterObject, IngressObject, WatchEvent } from '../../../src/pipeline/types.ts';

/** An Ingress in namespace `shop` with the fields the pipeline reads. */
export function ingress(
  name: string,
  extra: {
    rv?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    className?: string;
    tlsSecrets?: string[];
    vip?: string;
    namespace?: string;
  } = {},
): IngressObject {
  return {
    metadata: {
      name,
      namespace: extra.namespace ?? 'shop',
      resourceVersion: extra.rv ?? '1',
      generation: extra.generation ?? 1,
      ...(extra.labels && { labels: extra.labels }),
      ...(extra.annotations && { annotations: extra.annotations }),
      ...(extra.finalizers && { finalizers: extra.finalizers }),
    },
    spec: {
      ingressClassName: extra.className ?? 'kubemci',
      ...(extra.tlsSecrets && { tls: extra.tlsSecrets.map((secretName) => ({ secretName })) }),
    },
    ...(extra.vip !== undefined && { status: { loadBalancer: { ingress: [{ ip: extra.vip }] } } }),
  };
}

/** A Cluster in the inventory namespace with labels and an optional `OK` condition. */
export function cluster(
  name: string,
  labels: Record<string, string>,
  extra: { rv?: string; ok?: string; heartbeat?: string } = {},
): ClusterObject {
  return {
    metadata: { name, namespace: 'kube-multicluster-public', labels, resourceVersion: extra.rv ?? '1' },
    spec: { kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: `${name}.example:443` }] } },
    ...(extra.ok !== undefined && {
      status: {
        conditions: [{ type: 'OK', status: extra.ok, lastHeartbeatTime: extra.heartbeat ?? 't0' }],
      },
    }),
  };
}

/** Watch events, as the kube adapter delivers them. */
export const added = <T>(object: T): WatchEvent<T> => ({ type: 'added', object });
export const updated = <T>(object: T): WatchEvent<T> => ({ type: 'updated', object });
export const deleted = <T>(object: T): WatchEvent<T> => ({ type: 'deleted', object });
