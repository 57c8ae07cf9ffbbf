/**
 * The networking.k8s.io/v1 Ingress as translate reads it. Every field is optional and read-only,
 * like the generated client's types, so a `V1Ingress` from `@kubernetes/client-node` is assignable
 * without this module importing the client.
 */

/** The metadata translate reads. `namespace` and `name` identify the Ingress and every GCE name. */
export interface IngressMetadata {
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `backend.service.port`: exactly one of `number` and `name`. */
export interface ServiceBackendPort {
  readonly number?: number;
  readonly name?: string;
}

/** `backend.service`: a Service in the Ingress's namespace, looked up in every member cluster. */
export interface IngressServiceBackend {
  readonly name: string;
  readonly port?: ServiceBackendPort;
}

/** An Ingress backend. Only `service` backends are supported; `resource` backends are an error. */
export interface IngressBackend {
  readonly service?: IngressServiceBackend;
  readonly resource?: { readonly apiGroup?: string; readonly kind: string; readonly name: string };
}

/** One path of a rule. `pathType` is `Exact`, `Prefix` or `ImplementationSpecific`. */
export interface HttpIngressPath {
  readonly path?: string;
  readonly pathType?: string;
  readonly backend: IngressBackend;
}

/** One host rule. A rule without `host` applies to every host. */
export interface IngressRule {
  readonly host?: string;
  readonly http?: { readonly paths: readonly HttpIngressPath[] };
}

/** One `spec.tls` entry: the Secret (in the Ingress's namespace, registry cluster) holding a cert. */
export interface IngressTls {
  readonly hosts?: readonly string[];
  readonly secretName?: string;
}

/** `spec` of an Ingress. */
export interface IngressSpec {
  readonly ingressClassName?: string;
  readonly defaultBackend?: IngressBackend;
  readonly rules?: readonly IngressRule[];
  readonly tls?: readonly IngressTls[];
}

/** A multicluster Ingress in the registry cluster. */
export interface Ingress {
  readonly metadata?: IngressMetadata;
  readonly spec?: IngressSpec;
}
