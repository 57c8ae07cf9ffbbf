import type { ClusterInfo } from './cluster.ts';
import type { DesiredResource } from './gce.ts';
import type { Ingress } from './ingress.ts';
import type { MemberFacts } from './member-facts.ts';

/** How backends reach pods: zonal NEGs (container-native) or the nodes' instance groups. */
export type BackendMode = 'neg' | 'instance-group';

/** The backend protocols GCLB speaks to backends. */
export type BackendProtocol = 'HTTP' | 'HTTPS' | 'HTTP2';

/** The data of a Secret in the Ingress's namespace (registry cluster), values decoded. */
export type SecretData = Readonly<Record<string, string | undefined>>;

/** Everything translate reads. All of it is pre-read: translate does no I/O. */
export interface TranslateInput {
  readonly ingress: Ingress;
  /** The inventory's clusters; translate selects from them (opt-in label and cluster selector). */
  readonly clusters: readonly ClusterInfo[];
  /** Facts per cluster name; a missing entry means nothing is known about the cluster yet. */
  readonly memberFacts: Readonly<Record<string, MemberFacts | undefined>>;
  /** The TLS Secrets the Ingress names, by name; a missing entry means the Secret does not exist. */
  readonly secrets: Readonly<Record<string, SecretData | undefined>>;
}

/** Health-check timing (seconds and counts, the Compute API's fields). */
export interface HealthCheckTiming {
  readonly checkIntervalSec: number;
  readonly timeoutSec: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** Options of translate, parsed and validated once by the options module. */
export interface TranslateOptions {
  /** The GCE project of every resource. */
  readonly project: string;
  /** The controller instance ID, part of every name and ownership marker. */
  readonly instanceId: string;
  /** The backend mode of Ingresses without `kubemci.io/backend-mode`; default `neg`. */
  readonly defaultBackendMode?: BackendMode;
  /** `neg` mode: RATE balancing target per endpoint (requests per second); default 100. */
  readonly maxRatePerEndpoint?: number;
  /** `instance-group` mode: RATE balancing target per node; default 1e14 (kubemci: nearest first). */
  readonly maxRatePerInstance?: number;
  /** Sources the firewall opens to: the GFE and health-check ranges; default GCLB's two ranges. */
  readonly sourceRanges?: readonly string[];
  /** VPC network of members that do not report one: a name or URL; default `default`. */
  readonly network?: string;
  /** Health-check timing; default interval 15 s, timeout 15 s, healthy 1, unhealthy 2. */
  readonly healthCheck?: Partial<HealthCheckTiming>;
  /** Backend service `timeoutSec`; default 30. */
  readonly backendTimeoutSec?: number;
  /** Backend service connection draining; default 30 s. */
  readonly connectionDrainingTimeoutSec?: number;
}

/** Why an Ingress cannot be translated. Each names the clusters involved, if any. */
export type TranslateErrorCode =
  | 'InvalidIngress'
  | 'BadAnnotation'
  | 'UnsupportedBackend'
  | 'InvalidPath'
  | 'ConflictingPaths'
  | 'NoBackend'
  | 'ServiceNotFound'
  | 'PortNotFound'
  | 'NodePortMismatch'
  | 'ProtocolMismatch'
  | 'ProbePathMismatch'
  | 'SecretNotFound'
  | 'SecretInvalid'
  | 'TooManyCertificates'
  | 'TooManyBackends'
  | 'NoFrontend';

/**
 * An error in the Ingress (or in how its members disagree) that no retry can fix: the controller
 * reports it (Event `TranslateFailed`, status) and makes no GCE call until the inputs change.
 * Messages name Secrets and keys, never their content.
 */
export class TranslateError extends Error {
  override readonly name = 'TranslateError';
  readonly code: TranslateErrorCode;
  /** The member clusters the error is about, sorted; empty when it is about the Ingress alone. */
  readonly clusters: readonly string[];

  constructor(
    code: TranslateErrorCode,
    message: string,
    options?: { clusters?: readonly string[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.clusters = [...(options?.clusters ?? [])].sort();
  }
}

/** What is wrong with one member for this Ingress; its backends (or some) are left out. */
export type ClusterProblemCode =
  | 'Unreachable'
  | 'NoFacts'
  | 'ServiceMissing'
  | 'NodePortMissing'
  | 'NegNotReady'
  | 'InstanceGroupsMissing'
  | 'InvalidCapacity'
  | 'InvalidDrain'
  | 'InvalidAppProtocols'
  | 'NoNodeTags'
  | 'UnresolvedTargetPort';

/** A problem of one member cluster: reported per cluster, never fatal to the Ingress. */
export interface ClusterProblem {
  readonly cluster: string;
  readonly code: ClusterProblemCode;
  readonly message: string;
}

/** Something the user should know although the translation succeeded. */
export type TranslateWarningCode =
  | 'ImplicitDefaultBackend'
  | 'NoClusters'
  | 'LastClusterNotDrained'
  | 'TlsWithoutSecret'
  | 'NoFirewallTargets';

/** A non-fatal remark on the Ingress as a whole. */
export interface TranslateWarning {
  readonly code: TranslateWarningCode;
  readonly message: string;
}

/** One member's part of a backend service: its groups and their capacity scaler. */
export interface ClusterBackends {
  readonly cluster: string;
  readonly capacityScaler: number;
  /** Full URLs of the zonal NEGs or instance groups. */
  readonly groups: readonly string[];
}

/** A backend (Service and port) and the GCE resources serving it, for status and health polling. */
export interface BackendSummary {
  readonly service: string;
  readonly port: number | string;
  readonly backendService: string;
  readonly healthCheck: string;
  readonly protocol: BackendProtocol;
  readonly healthCheckPath: string;
  readonly clusters: readonly ClusterBackends[];
}

/** A certificate on the HTTPS proxy. */
export interface CertificateSummary {
  readonly name: string;
  /** True for a pre-shared certificate (not ours); false for one made from `secret`. */
  readonly external: boolean;
  readonly secret?: string;
}

/** The frontend's GCE names, for status. */
export interface FrontendSummary {
  readonly address: { readonly name: string; readonly external: boolean };
  readonly urlMap: string;
  readonly targetHttpProxy?: string;
  readonly httpForwardingRule?: string;
  readonly targetHttpsProxy?: string;
  readonly httpsForwardingRule?: string;
  readonly sslCertificates: readonly CertificateSummary[];
  readonly firewalls: readonly string[];
}

/**
 * `neg` mode: a derived Service the controller must keep in one member (same namespace, selector
 * and ports as `service`, annotated `cloud.google.com/neg` with the exposed ports). Several
 * Ingresses may need the same derived Service: expose the union of their ports.
 */
export interface DerivedServiceSpec {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** The user Service it mirrors. */
  readonly service: string;
  /** Service port numbers this Ingress needs NEGs for, sorted. */
  readonly ports: readonly number[];
}

/** The result of translate. */
export interface TranslateResult {
  /**
   * The desired GCE graph, sorted by kind (dependency order) and name. Empty whenever `errors`
   * is not: an invalid Ingress must be reported and left as it is in GCE, never planned.
   */
  readonly desired: readonly DesiredResource[];
  readonly errors: readonly TranslateError[];
  readonly clusterProblems: readonly ClusterProblem[];
  readonly warnings: readonly TranslateWarning[];
  /** Names of the selected clusters, sorted. */
  readonly selectedClusters: readonly string[];
  readonly backendMode: BackendMode;
  /** One per backend, in name order; filled as far as translation got, even with errors. */
  readonly backends: readonly BackendSummary[];
  /** Undefined when the Ingress could not be identified. */
  readonly frontend: FrontendSummary | undefined;
  readonly derivedServices: readonly DerivedServiceSpec[];
}
