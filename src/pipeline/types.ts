/**
 * Small structural views of the Kubernetes objects the pipeline looks at. They name only the fields
 * the pipeline reads, all optional and read-only, so objects from `@kubernetes/client-node` (whose
 * fields are optional too) are assignable to them without this module importing the client.
 */

/** The metadata fields the pipeline reads. */
export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly finalizers?: readonly string[];
  readonly managedFields?: readonly unknown[];
}

/** Any Kubernetes object: the pipeline keys objects by `metadata.namespace/metadata.name`. */
export interface KubeObject {
  readonly metadata?: ObjectMeta;
}

/** One entry of an Ingress's `spec.tls`. */
export interface IngressTls {
  readonly secretName?: string;
  readonly hosts?: readonly string[];
}

/** A networking.k8s.io/v1 Ingress, as far as the pipeline reads it. */
export interface IngressObject extends KubeObject {
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly tls?: readonly IngressTls[];
  };
  readonly status?: {
    readonly loadBalancer?: unknown;
  };
}

/** One condition of a Cluster's status (`type` `OK` is the one the controller writes). */
export interface ClusterCondition {
  readonly type?: string;
  readonly status?: string;
  readonly lastHeartbeatTime?: unknown;
  readonly lastTransitionTime?: unknown;
  readonly reason?: string;
  readonly message?: string;
}

/** A clusterregistry.k8s.io/v1alpha1 Cluster, as far as the pipeline reads it. */
export interface ClusterObject extends KubeObject {
  readonly spec?: unknown;
  readonly status?: {
    readonly conditions?: readonly ClusterCondition[];
  };
}

/** A Secret: the pipeline needs only its identity, never its data. */
export type SecretObject = KubeObject;

/**
 * A change seen in a member cluster that some Ingresses depend on: a Service, its NEG status, an
 * instance-group annotation. `kind` is the member object's kind (`Service`, `Ingress`, ...).
 */
export interface MemberFact {
  readonly cluster: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * A change to one object. Informers give no old object on `updated`, so operators that need the
 * previous state keep their own last-seen copy.
 */
export interface ObjectEvent<T> {
  readonly type: 'added' | 'updated' | 'deleted';
  readonly object: T;
}

/**
 * What a list-watch delivers: object changes, plus `synced` after each (re)list and `error` when
 * the watch failed (the adapter restarts it). The same shape as the kube adapter's events, so its
 * streams feed the pipeline as they are; the pipeline's operators act on object changes only and
 * skip the rest.
 */
export type WatchEvent<T> =
  ObjectEvent<T> | { readonly type: 'synced' } | { readonly type: 'error'; readonly error: Error };
