import type { ResourceKind } from '../model/gce.ts';
import type { UpdateMethod } from '../model/plan.ts';
import type { CompareRules } from './compare.ts';

/**
 * What plan knows about each kind: which desired fields it compares, which of them GCE can change
 * in place and by which method, and which force a recreate (delete and insert).
 */
export interface KindRules extends CompareRules {
  /** Compared top-level fields; undefined compares every field the desired body sets. */
  readonly compared?: readonly string[];
  /** Fields whose change needs the resource deleted and inserted again. */
  readonly recreateOn: readonly string[];
  /** Whether GCE keeps a fingerprint (optimistic locking) on this kind. */
  readonly fingerprinted: boolean;
  /**
   * The method that carries a change of `changed` (top-level fields, none of them recreateOn), or
   * undefined when the kind cannot change in place at all.
   */
  readonly updateMethod: (changed: readonly string[]) => UpdateMethod | undefined;
}

const none: ReadonlySet<string> = new Set();

function rules(partial: Partial<KindRules> & Pick<KindRules, 'fingerprinted' | 'updateMethod'>): KindRules {
  return {
    defaults: {},
    sets: none,
    caseInsensitive: none,
    portRanges: none,
    keyedLists: {},
    recreateOn: [],
    ...partial,
  };
}

// Server defaults from the Compute API reference (reference/gce-semantics.md §1.2, §8): a field
// we send with its default value may come back omitted.
const HEALTH_CHECK_DEFAULTS = {
  checkIntervalSec: 5,
  timeoutSec: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  'httpHealthCheck.requestPath': '/',
  'httpsHealthCheck.requestPath': '/',
  'http2HealthCheck.requestPath': '/',
  'httpHealthCheck.proxyHeader': 'NONE',
  'httpsHealthCheck.proxyHeader': 'NONE',
  'http2HealthCheck.proxyHeader': 'NONE',
};

/** The rules of every kind. */
export const KIND_RULES: Readonly<Record<ResourceKind, KindRules>> = {
  // Nothing of an address can change but its labels; recreating it would change the VIP.
  addresses: rules({
    compared: ['addressType', 'ipVersion'],
    fingerprinted: false,
    updateMethod: () => undefined,
  }),
  // PUT replaces the whole check; the check is ours alone, so that is what we want.
  healthChecks: rules({
    defaults: HEALTH_CHECK_DEFAULTS,
    fingerprinted: false,
    updateMethod: () => 'update',
  }),
  // PATCH, not PUT: fields we do not manage (CDN, IAP, security policy set by hand) survive.
  backendServices: rules({
    defaults: {
      protocol: 'HTTP',
      loadBalancingScheme: 'EXTERNAL',
      timeoutSec: 30,
      sessionAffinity: 'NONE',
      'connectionDraining.drainingTimeoutSec': 0,
      'backends[].capacityScaler': 1,
      'backends[].balancingMode': 'UTILIZATION',
    },
    // GCE does not promise to keep the order of backends.
    keyedLists: { backends: 'group' },
    fingerprinted: true,
    updateMethod: () => 'patch',
  }),
  urlMaps: rules({
    defaults: { hostRules: [], pathMatchers: [], 'pathMatchers[].pathRules': [] },
    fingerprinted: true,
    updateMethod: () => 'update',
  }),
  targetHttpProxies: rules({ compared: ['urlMap'], fingerprinted: true, updateMethod: () => 'setUrlMap' }),
  targetHttpsProxies: rules({
    compared: ['urlMap', 'sslCertificates'],
    fingerprinted: true,
    updateMethod: (changed) =>
      changed.length > 1 ? 'patch' : changed[0] === 'urlMap' ? 'setUrlMap' : 'setSslCertificates',
  }),
  // Certificates are immutable and their names embed a hash of their content: a certificate that
  // exists under its name is the one we want.
  sslCertificates: rules({ compared: [], fingerprinted: false, updateMethod: () => undefined }),
  globalForwardingRules: rules({
    compared: ['target', 'IPAddress', 'portRange', 'IPProtocol', 'loadBalancingScheme'],
    recreateOn: ['IPAddress', 'portRange', 'IPProtocol', 'loadBalancingScheme'],
    defaults: { IPProtocol: 'TCP', loadBalancingScheme: 'EXTERNAL' },
    portRanges: new Set(['portRange']),
    fingerprinted: true,
    updateMethod: () => 'setTarget',
  }),
  firewalls: rules({
    defaults: { direction: 'INGRESS', priority: 1000 },
    sets: new Set(['sourceRanges', 'targetTags', 'allowed[].ports']),
    caseInsensitive: new Set(['allowed[].IPProtocol']),
    recreateOn: ['network'],
    fingerprinted: false,
    updateMethod: () => 'update',
  }),
};
