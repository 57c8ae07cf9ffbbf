/**
 * The shapes shared by translate (desired), observe (observed), plan and apply. A resource body is
 * always in the Compute Engine v1 API's own JSON shape (the discovery document's schema), so a plan
 * can be printed, diffed and sent without conversion.
 */

/** Every GCE resource type the load balancer uses, named after the Compute API collection. */
export type ResourceKind =
  | 'addresses'
  | 'healthChecks'
  | 'backendServices'
  | 'urlMaps'
  | 'targetHttpProxies'
  | 'targetHttpsProxies'
  | 'sslCertificates'
  | 'globalForwardingRules'
  | 'firewalls';

/** All kinds in dependency order: a kind may only reference kinds before it. */
export const KINDS_IN_DEPENDENCY_ORDER: readonly ResourceKind[] = [
  'addresses',
  'healthChecks',
  'sslCertificates',
  'firewalls',
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'targetHttpsProxies',
  'globalForwardingRules',
];

/** A global resource of ours, identified by its collection and name. */
export interface ResourceRef {
  readonly kind: ResourceKind;
  readonly name: string;
}

/** A JSON object in the Compute API's shape. */
export type ComputeBody = Readonly<Record<string, unknown>>;

/** A resource as translate wants it to be. `dependsOn` lists the resources its body references. */
export interface DesiredResource extends ResourceRef {
  readonly body: ComputeBody;
  readonly dependsOn: readonly ResourceRef[];
  /**
   * True for a resource we use but do not own (an adopted static IP, a pre-shared certificate):
   * plan never creates, changes or deletes it, only checks it exists.
   */
  readonly external?: boolean;
}

/** A resource as GCE reported it (server fields such as id, selfLink, fingerprint included). */
export interface ObservedResource extends ResourceRef {
  readonly body: ComputeBody;
}
