/**
 * What GKE's instance-group controller wants in kubemci mode: the NodePorts every
 * `gce-multi-cluster` Ingress needs as named ports, and the health each node's VM reports. Pure.
 */
import type { V1EndpointSlice, V1Ingress, V1Service } from '@kubernetes/client-node';
import { findServicePort, ingressServiceBackends } from './annotations.ts';
import { slicesOf } from './neg-desired.ts';

/** A backend Service port of a multi-cluster Ingress, resolved to its NodePort. */
export interface NodePortBackend {
  readonly service: V1Service;
  readonly servicePort: number;
  readonly nodePort: number;
}

/**
 * The NodePort backends of `ingresses` (deduplicated, in first-seen order). A backend whose
 * Service is missing, lacks the port or has no NodePort (a ClusterIP Service) is left out and
 * described in `problems`, as GKE would report it in an Event.
 */
export function nodePortBackends(
  ingresses: readonly V1Ingress[],
  services: readonly V1Service[],
): { backends: NodePortBackend[]; problems: string[] } {
  const backends: NodePortBackend[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const ing of ingresses) {
    const ns = ing.metadata?.namespace;
    for (const b of ingressServiceBackends(ing)) {
      const where = `${ns}/${ing.metadata?.name}: backend ${b.name}:${b.port}`;
      const svc = services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === b.name);
      const sp = svc ? findServicePort(svc, b.port) : undefined;
      if (!svc) problems.push(`${where}: no such Service`);
      else if (!sp) problems.push(`${where}: the Service has no such port`);
      else if (!sp.nodePort) problems.push(`${where}: the Service port has no NodePort`);
      else {
        const key = `${ns}/${b.name}/${sp.port}`;
        if (!seen.has(key)) backends.push({ service: svc, servicePort: sp.port, nodePort: sp.nodePort });
        seen.add(key);
      }
    }
  }
  return { backends, problems };
}

/**
 * The health each node's VM reports to a NodePort health check: a node is HEALTHY if every
 * backend Service can serve from it: any ready endpoint in the cluster will do for
 * `externalTrafficPolicy: Cluster` (kube-proxy forwards), only one on that node for `Local`.
 * Nodes are absent from the result when there are no backends (nothing to report).
 */
export function nodeHealth(
  nodes: readonly string[],
  backends: readonly NodePortBackend[],
  slices: readonly V1EndpointSlice[],
): Map<string, 'HEALTHY' | 'UNHEALTHY'> {
  const out = new Map<string, 'HEALTHY' | 'UNHEALTHY'>();
  if (backends.length === 0) return out;
  const readyNodesByService = backends.map((b) => {
    const readyNodes = new Set<string>();
    let anyReady = false;
    for (const slice of slicesOf(b.service, slices)) {
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        anyReady = true;
        if (ep.nodeName) readyNodes.add(ep.nodeName);
      }
    }
    return { local: b.service.spec?.externalTrafficPolicy === 'Local', readyNodes, anyReady };
  });
  for (const node of nodes) {
    const ok = readyNodesByService.every((s) => (s.local ? s.readyNodes.has(node) : s.anyReady));
    out.set(node, ok ? 'HEALTHY' : 'UNHEALTHY');
  }
  return out;
}
