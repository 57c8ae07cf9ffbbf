/**
 * What the controller has learned about one member cluster, read from that cluster's API and
 * handed to translate as plain data. Everything is keyed in the Ingress's namespace: Services are
 * looked up by the backend's name there.
 */

/** One `spec.ports` entry of a Service in a member. */
export interface MemberServicePort {
  readonly name?: string;
  readonly port: number;
  /** As written in the Service; absent means the same number as `port`. */
  readonly targetPort?: number | string;
  /** Absent or 0 unless the Service is of type NodePort or LoadBalancer. */
  readonly nodePort?: number;
  readonly protocol?: string;
  /** `spec.ports[].appProtocol`, e.g. `HTTPS` or `kubernetes.io/h2c`. */
  readonly appProtocol?: string;
}

/** A Service in a member cluster. */
export interface MemberService {
  readonly ports: readonly MemberServicePort[];
  readonly selector?: Readonly<Record<string, string>>;
  /** Read for `cloud.google.com/app-protocols` and `service.alpha.kubernetes.io/app-protocols`. */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Readiness-probe HTTP paths of the Service's ready pods, keyed by the Service port's
   * `targetPort` as written (`"8080"` or `"http"`; a port without `targetPort` by its `port`).
   * The gatherer matches probes through the targetPort (the container port it names), not the
   * Service port. An absent key means no probe was found (no opinion); several distinct paths
   * for one key mean the pods disagree.
   */
  readonly readinessProbePaths?: Readonly<Record<string, readonly string[]>>;
  /**
   * For a named `targetPort`: the container port numbers it resolves to on the Service's pods,
   * keyed by the name. Needed to open the firewall to pods in `neg` mode.
   */
  readonly targetPortNumbers?: Readonly<Record<string, readonly number[]>>;
}

/** The parsed `cloud.google.com/neg-status` annotation of a derived Service. */
export interface NegStatus {
  /** Service port number (as a string) -> NEG name, the same name in every zone. */
  readonly networkEndpointGroups: Readonly<Record<string, string>>;
  /** Zone names (`us-central1-a`) the NEGs exist in. */
  readonly zones: readonly string[];
}

/** One entry of the parsed `ingress.gcp.kubernetes.io/instance-groups` annotation. */
export interface InstanceGroupRef {
  readonly name: string;
  /** The zone as a URL (what ingress-gce writes) or a bare zone name. */
  readonly zone: string;
}

/** Everything known about one member cluster. */
export interface MemberFacts {
  /**
   * False when the member's API could not be reached. The other fields then hold the last-known
   * facts, which translate keeps using (GCLB health checks handle real failure).
   */
  readonly reachable: boolean;
  /** Services of the Ingress's namespace by name. Absent = never observed. */
  readonly services?: Readonly<Record<string, MemberService>>;
  /** `neg` mode: the NEG status of each derived Service, by the derived Service's name. */
  readonly negStatus?: Readonly<Record<string, NegStatus>>;
  /** `instance-group` mode: the groups ingress-gce reported; absent = not reported yet. */
  readonly instanceGroups?: readonly InstanceGroupRef[];
  /** Network tags of the member's nodes (the firewall targets them). */
  readonly nodeTags?: readonly string[];
  /** The nodes' VPC network: a name (`default`) or a full or partial network URL. */
  readonly network?: string;
}
