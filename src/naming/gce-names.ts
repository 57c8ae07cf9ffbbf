import { shortHash } from './hash.ts';
import { sanitizeField, trimFieldsEvenly } from './trim.ts';

/**
 * The naming scheme of every GCE resource (and member-side Service) the controller creates. Names
 * are an API: resources are found again by name, so a format never changes silently. A change
 * bumps {@link NAMING_SCHEME_VERSION}, which changes {@link NAME_PREFIX}, and the controller then
 * migrates explicitly. See docs/adr/0004-naming-scheme.md.
 *
 * Form: `<prefix>-<code>-<field>-<field>...-<hash>`, e.g. `mci2-um-shop-frontend-k3j5a2bq7z`.
 * The fields (namespace, Ingress name, ...) are only for people; the hash of the full identity,
 * which includes the controller's instance ID, is what makes names distinct.
 */

/**
 * Version of the scheme. kubemci (the Go CLI) named its resources `mci1-…`; starting at 2 keeps
 * our prefix disjoint from kubemci's, so listing by prefix never returns a kubemci resource.
 */
export const NAMING_SCHEME_VERSION = 2;

/** Every name starts with this prefix (and a dash); observers list resources filtered by it. */
export const NAME_PREFIX = `mci${NAMING_SCHEME_VERSION}`;

/** GCE resource names and Kubernetes Service names are RFC 1035 labels: at most 63 characters. */
export const MAX_NAME_LENGTH = 63;

/** Characters of the identity hash: 10 base32 characters carry 50 bits. */
export const HASH_LENGTH = 10;

/**
 * Characters left for the readable fields and the dashes between them:
 *
 *     63  MAX_NAME_LENGTH
 *   -  4  prefix "mci2"
 *   -  3  "-" and the two-letter type code
 *   -  1  "-" before the first field
 *   - 11  "-" and the HASH_LENGTH characters of the hash
 *   = 44  for k fields and their k - 1 separating dashes
 *
 * So a backend service (4 fields: namespace, Ingress, Service, port) has 41 characters of text,
 * an URL map (2 fields) 43. Fields are cut evenly when longer (see trimFieldsEvenly).
 */
export const FIELDS_BUDGET = MAX_NAME_LENGTH - NAME_PREFIX.length - 3 - 1 - (1 + HASH_LENGTH);

/** The RFC 1035 label GCE requires of every resource name. */
export const GCE_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** True when `name` is a valid GCE resource name (1 to 63 characters of the RFC 1035 pattern). */
export function isValidGceName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && GCE_NAME_PATTERN.test(name);
}

/** The fixed two-letter code of each kind of name. Never reuse or change a code. */
export const TYPE_CODES = {
  address: 'ad',
  healthCheck: 'hc',
  backendService: 'bs',
  urlMap: 'um',
  targetHttpProxy: 'tp',
  targetHttpsProxy: 'ts',
  httpForwardingRule: 'fr',
  httpsForwardingRule: 'fs',
  sslCertificate: 'cr',
  firewall: 'fw',
  derivedService: 'sv',
} as const;

/** Which name: a key of {@link TYPE_CODES}. */
export type NameType = keyof typeof TYPE_CODES;

/** The owning Ingress and the controller instance that manages it. */
export interface IngressIdentity {
  /** `--instance-id`: the registry cluster's `kube-system` UID by default. */
  readonly instanceId: string;
  readonly namespace: string;
  readonly name: string;
}

/** A backend: a Service and one of its ports, by number or by name, as the Ingress wrote it. */
export interface ServicePortIdentity {
  readonly service: string;
  readonly port: number | string;
}

function composeName(type: NameType, readable: readonly string[], identity: readonly string[]): string {
  const code = TYPE_CODES[type];
  const budget = FIELDS_BUDGET - (readable.length - 1);
  const fields = trimFieldsEvenly(readable.map(sanitizeField), budget);
  const hash = shortHash([String(NAMING_SCHEME_VERSION), code, ...identity], HASH_LENGTH);
  return [NAME_PREFIX, code, ...fields, hash].join('-');
}

function ingressName(type: NameType, id: IngressIdentity): string {
  return composeName(type, [id.namespace, id.name], [id.instanceId, id.namespace, id.name]);
}

function portKey(port: number | string): string {
  // Port names always contain a letter, but keep number 80 and name "80" apart regardless.
  return typeof port === 'number' ? `number:${port}` : `name:${port}`;
}

function servicePortName(type: NameType, id: IngressIdentity, backend: ServicePortIdentity): string {
  return composeName(
    type,
    [id.namespace, id.name, backend.service, String(backend.port)],
    [id.instanceId, id.namespace, id.name, backend.service, portKey(backend.port)],
  );
}

/** The global address reserved for an Ingress that names no static IP of its own. */
export function addressName(id: IngressIdentity): string {
  return ingressName('address', id);
}

/** The URL map of an Ingress. */
export function urlMapName(id: IngressIdentity): string {
  return ingressName('urlMap', id);
}

/** The target HTTP proxy of an Ingress. */
export function targetHttpProxyName(id: IngressIdentity): string {
  return ingressName('targetHttpProxy', id);
}

/** The target HTTPS proxy of an Ingress. */
export function targetHttpsProxyName(id: IngressIdentity): string {
  return ingressName('targetHttpsProxy', id);
}

/** The global forwarding rule on port 80. */
export function httpForwardingRuleName(id: IngressIdentity): string {
  return ingressName('httpForwardingRule', id);
}

/** The global forwarding rule on port 443. */
export function httpsForwardingRuleName(id: IngressIdentity): string {
  return ingressName('httpsForwardingRule', id);
}

/** The health check of one backend (Service and port) of an Ingress. */
export function healthCheckName(id: IngressIdentity, backend: ServicePortIdentity): string {
  return servicePortName('healthCheck', id, backend);
}

/** The backend service of one backend (Service and port) of an Ingress. */
export function backendServiceName(id: IngressIdentity, backend: ServicePortIdentity): string {
  return servicePortName('backendService', id, backend);
}

/**
 * The SSL certificate made from one TLS Secret. `content` is the Secret's certificate and key
 * (any string that changes when either changes): a rotated Secret gets a new name, so the
 * certificate can be replaced without downtime (create new, repoint the proxy, delete old).
 * Only a hash of `content` is kept.
 */
export function sslCertificateName(id: IngressIdentity, secretName: string, content: string): string {
  return composeName(
    'sslCertificate',
    [id.namespace, id.name, secretName],
    [id.instanceId, id.namespace, id.name, secretName, shortHash([content], 26)],
  );
}

/**
 * The firewall rule of an Ingress on one VPC network. `network` is the network's name or URL;
 * its last path segment shows in the name, the whole of it goes into the hash.
 */
export function firewallName(id: IngressIdentity, network: string): string {
  const networkName = network.split('/').pop() ?? network;
  return composeName(
    'firewall',
    [id.namespace, id.name, networkName],
    [id.instanceId, id.namespace, id.name, network],
  );
}

/**
 * The Service the controller derives, in each member cluster (`neg` mode), from a user Service:
 * same namespace, selector and ports, annotated for standalone NEGs. One per user Service and
 * controller instance, shared by every Ingress of that instance using the Service.
 */
export function derivedServiceName(instanceId: string, namespace: string, service: string): string {
  return composeName('derivedService', [service], [instanceId, namespace, service]);
}

/** All names of an Ingress's frontend, for status and for the observer. */
export interface FrontendNames {
  readonly address: string;
  readonly urlMap: string;
  readonly targetHttpProxy: string;
  readonly targetHttpsProxy: string;
  readonly httpForwardingRule: string;
  readonly httpsForwardingRule: string;
}

/** The frontend names of one Ingress. */
export function frontendNames(id: IngressIdentity): FrontendNames {
  return {
    address: addressName(id),
    urlMap: urlMapName(id),
    targetHttpProxy: targetHttpProxyName(id),
    targetHttpsProxy: targetHttpsProxyName(id),
    httpForwardingRule: httpForwardingRuleName(id),
    httpsForwardingRule: httpsForwardingRuleName(id),
  };
}
