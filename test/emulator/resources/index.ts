/**
 * Every resource family the emulator serves, as kinds (for references and quotas) and handlers
 * (by method id), in one list so the engine can be assembled in one place.
 */
import type { Handler } from '../core.ts';
import { addressHandlers, addresses } from './addresses.ts';
import { backendServiceHandlers, backendServices } from './backend-services.ts';
import { firewallHandlers, firewalls } from './firewalls.ts';
import { forwardingRuleHandlers, forwardingRules } from './forwarding-rules.ts';
import { healthCheckHandlers, healthChecks } from './health-checks.ts';
import { instanceGroupHandlers, instanceGroups } from './instance-groups.ts';
import { instanceHandlers, instances } from './instances.ts';
import type { KindSpec } from './kind.ts';
import { locationHandlers } from './locations.ts';
import { networkEndpointGroupHandlers, networkEndpointGroups } from './network-endpoint-groups.ts';
import { networkHandlers, networks } from './networks.ts';
import { operationHandlers } from './operations-api.ts';
import { sslCertificateHandlers, sslCertificates } from './ssl-certificates.ts';
import { targetHttpProxies, targetHttpsProxies, targetProxyHandlers } from './target-proxies.ts';
import { urlMapHandlers, urlMaps } from './url-maps.ts';

/** Every resource kind. */
export const ALL_KINDS: readonly KindSpec[] = [
  networks,
  addresses,
  healthChecks,
  backendServices,
  urlMaps,
  targetHttpProxies,
  targetHttpsProxies,
  sslCertificates,
  forwardingRules,
  firewalls,
  instances,
  instanceGroups,
  networkEndpointGroups,
];

/** Every method handler, by method id. */
export const ALL_HANDLERS: Readonly<Record<string, Handler>> = {
  ...networkHandlers,
  ...addressHandlers,
  ...healthCheckHandlers,
  ...backendServiceHandlers,
  ...urlMapHandlers,
  ...targetProxyHandlers,
  ...sslCertificateHandlers,
  ...forwardingRuleHandlers,
  ...firewallHandlers,
  ...instanceHandlers,
  ...instanceGroupHandlers,
  ...networkEndpointGroupHandlers,
  ...operationHandlers,
  ...locationHandlers,
};
