/**
 * The registry-side objects `kubectl create cluster` writes: the Cluster and, when it made
 * the member's credentials itself, the Secret holding them. Pure.
 */
import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';

/** The Cluster Registry API: group, version and plural for the custom-objects client. */
import { CLUSTER_API } from '../../model/cluster.ts';

export { CLUSTER_API };

/** The resource as kubectl names it, for messages and `-o name`. */
export const CLUSTER_RESOURCE = 'cluster.clusterregistry.k8s.io';

/** Label on the credentials Secret naming the Cluster it belongs to. */
export const CLUSTER_LABEL = 'kubemci.io/cluster';

/** A `clusterregistry.k8s.io/v1alpha1` Cluster, with the fields this command writes. */
export interface ClusterManifest {
  apiVersion: string;
  kind: 'Cluster';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    uid?: string;
    [key: string]: unknown;
  };
  spec: {
    kubernetesApiEndpoints: {
      serverEndpoints: { clientCIDR?: string; serverAddress: string }[];
      caBundle?: string;
    };
    authInfo?: { controller?: { kind: string; name: string; namespace?: string } };
  };
  [key: string]: unknown;
}

/** What a Cluster is made of. */
export interface ClusterParts {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** An https URL. */
  readonly serverAddress: string;
  readonly clientCidr?: string;
  /** PEM bytes; written base64-encoded to `caBundle`. */
  readonly caPem?: Buffer;
  /** A Secret beside the Cluster that the controller authenticates with. */
  readonly credentialsSecret?: string;
}

/** The name of the Secret this command creates for a Cluster's credentials. */
export function credentialsSecretName(clusterName: string): string {
  return `${clusterName}-credentials`;
}

/**
 * The Cluster. Its `authInfo.controller` carries no namespace: the Secret sits in the
 * Cluster's own namespace, the only place the controller accepts it from.
 */
export function toCluster(parts: ClusterParts): ClusterManifest {
  const endpoint = {
    ...(parts.clientCidr !== undefined ? { clientCIDR: parts.clientCidr } : {}),
    serverAddress: parts.serverAddress,
  };
  return {
    apiVersion: `${CLUSTER_API.group}/${CLUSTER_API.version}`,
    kind: 'Cluster',
    metadata: {
      name: parts.name,
      namespace: parts.namespace,
      ...(Object.keys(parts.labels).length > 0 ? { labels: { ...parts.labels } } : {}),
    },
    spec: {
      kubernetesApiEndpoints: {
        serverEndpoints: [endpoint],
        ...(parts.caPem ? { caBundle: parts.caPem.toString('base64') } : {}),
      },
      ...(parts.credentialsSecret !== undefined
        ? { authInfo: { controller: { kind: 'Secret', name: parts.credentialsSecret } } }
        : {}),
    },
  };
}

/**
 * The credentials Secret: the member ServiceAccount's `token` and, when known, the member's
 * CA as `ca.crt` (PEM). The Cluster's caBundle, when set, takes precedence over `ca.crt`.
 */
export function toCredentialsSecret(args: {
  readonly clusterName: string;
  readonly namespace: string;
  readonly token: string;
  readonly caPem?: Buffer;
}): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: credentialsSecretName(args.clusterName),
      namespace: args.namespace,
      labels: { [CLUSTER_LABEL]: args.clusterName, 'app.kubernetes.io/part-of': 'kubemci' },
    },
    type: 'Opaque',
    data: {
      token: Buffer.from(args.token, 'utf8').toString('base64'),
      ...(args.caPem ? { 'ca.crt': args.caPem.toString('base64') } : {}),
    },
  };
}

/**
 * The owner reference that makes the registry's garbage collector delete the credentials
 * Secret with its Cluster. Throws TypeError when the Cluster has no uid (it was not created).
 */
export function clusterOwnerReference(cluster: ClusterManifest): V1OwnerReference {
  if (!cluster.metadata.uid) throw new TypeError('clusterOwnerReference: the Cluster has no uid');
  return {
    apiVersion: cluster.apiVersion,
    kind: cluster.kind,
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  };
}
