import type { ResourceKind } from '../model/gce.ts';
import type { MethodGroup } from './budget.ts';

/** The Compute REST verbs the client calls on a resource collection. */
export type Verb =
  | 'insert'
  | 'get'
  | 'list'
  | 'update'
  | 'patch'
  | 'delete'
  | 'setUrlMap'
  | 'setSslCertificates'
  | 'setTarget'
  | 'getHealth';

/** How one of our resource kinds maps onto `@googleapis/compute`. */
export interface CollectionSpec {
  /** The property of the library's `Compute` object, which is also the REST collection id. */
  readonly collection: string;
  /** The path parameter naming one resource in that collection. */
  readonly nameParam: string;
  /** The verbs the collection has (no PUT on proxies, nothing but insert/delete on certificates). */
  readonly verbs: ReadonlySet<Verb>;
}

const crud: Verb[] = ['insert', 'get', 'list', 'delete'];

/** Kind -> library collection. `addresses` are global addresses (`globalAddresses`). */
export const COLLECTIONS: Readonly<Record<ResourceKind, CollectionSpec>> = {
  addresses: { collection: 'globalAddresses', nameParam: 'address', verbs: new Set(crud) },
  healthChecks: {
    collection: 'healthChecks',
    nameParam: 'healthCheck',
    verbs: new Set([...crud, 'update', 'patch']),
  },
  backendServices: {
    collection: 'backendServices',
    nameParam: 'backendService',
    verbs: new Set([...crud, 'update', 'patch', 'getHealth']),
  },
  urlMaps: { collection: 'urlMaps', nameParam: 'urlMap', verbs: new Set([...crud, 'update', 'patch']) },
  targetHttpProxies: {
    collection: 'targetHttpProxies',
    nameParam: 'targetHttpProxy',
    verbs: new Set([...crud, 'patch', 'setUrlMap']),
  },
  targetHttpsProxies: {
    collection: 'targetHttpsProxies',
    nameParam: 'targetHttpsProxy',
    verbs: new Set([...crud, 'patch', 'setUrlMap', 'setSslCertificates']),
  },
  sslCertificates: { collection: 'sslCertificates', nameParam: 'sslCertificate', verbs: new Set(crud) },
  globalForwardingRules: {
    collection: 'globalForwardingRules',
    nameParam: 'forwardingRule',
    verbs: new Set([...crud, 'patch', 'setTarget']),
  },
  firewalls: { collection: 'firewalls', nameParam: 'firewall', verbs: new Set([...crud, 'update', 'patch']) },
};

/** The method id used in call logs and metrics, e.g. `compute.backendServices.insert`. */
export function methodId(collection: string, verb: string): string {
  return `compute.${collection}.${verb}`;
}

/** Which budget group a verb spends: reads observe, everything else changes something. */
export function groupOf(verb: Verb): MethodGroup {
  return verb === 'get' || verb === 'list' || verb === 'getHealth' ? 'read' : 'write';
}
