/**
 * The same load balancer built the way kubemci's `CreateLoadBalancer` builds it
 * (reference/kubemci.md §2.2): one resource at a time, each step waiting for its operation before
 * the next starts, in kubemci's order: health checks, backend services, URL map, HTTP proxy, HTTP
 * forwarding rule, SSL certificate, HTTPS proxy, HTTPS forwarding rule, firewall rule. kubemci
 * needs the static IP reserved beforehand; here that reservation is the first step, so the same
 * resources are created.
 */
import type { GceClient } from '../../src/gce/index.ts';
import type { DesiredResource, ResourceKind } from '../../src/model/gce.ts';

/** kubemci's steps, as (kind, forwarding rules split by the proxy kind they target). */
const STEPS: readonly (ResourceKind | 'httpRule' | 'httpsRule')[] = [
  'addresses',
  'healthChecks',
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'httpRule',
  'sslCertificates',
  'targetHttpsProxies',
  'httpsRule',
  'firewalls',
];

function stepOf(d: DesiredResource): (typeof STEPS)[number] {
  if (d.kind !== 'globalForwardingRules') return d.kind;
  return String(d.body.target ?? '').includes('/targetHttpsProxies/') ? 'httpsRule' : 'httpRule';
}

/** The desired graph's own resources in kubemci's order (name order within a step). */
export function kubemciOrder(desired: readonly DesiredResource[]): DesiredResource[] {
  return desired
    .filter((d) => !d.external)
    .sort((a, b) => STEPS.indexOf(stepOf(a)) - STEPS.indexOf(stepOf(b)) || (a.name < b.name ? -1 : 1));
}

/**
 * Inserts every resource in kubemci's order, one after the other, each resolving only when its
 * operation is DONE. Rejects with the first failed insert.
 */
export async function createInKubemciOrder(
  gce: GceClient,
  desired: readonly DesiredResource[],
): Promise<number> {
  const steps = kubemciOrder(desired);
  for (const d of steps) await gce.insert(d.kind, d.body);
  return steps.length;
}
