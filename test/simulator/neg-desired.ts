/**
 * What GKE's NEG controller wants for one Service: which Service ports get NEGs, and which
 * endpoints each zonal NEG holds. Pure.
 */
import type { V1EndpointSlice, V1Ingress, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { findServicePort, ingressServiceBackends, type NegRequest } from './annotations.ts';

/** The label the EndpointSlice controller puts on every slice of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** One GCE_VM_IP_PORT endpoint: the node's VM, the pod IP and the container port. */
export interface NegEndpoint {
  readonly instance: string;
  readonly ipAddress: string;
  readonly port: number;
  /** Whether the pod behind it is ready (only unready endpoints kept in `'all'` mode are false). */
  readonly ready: boolean;
}

/** Which endpoints a NEG holds: only ready ones (GKE without readiness gates), or every live one. */
export type NegEndpointMode = 'ready' | 'all';

/** The identity of an endpoint inside one NEG. */
export function endpointKey(e: Pick<NegEndpoint, 'instance' | 'ipAddress' | 'port'>): string {
  return `${e.instance}|${e.ipAddress}|${e.port}`;
}

/**
 * The Service ports that get NEGs, each with its custom NEG name if the annotation gives one:
 * every `exposed_ports` entry the Service really has, plus, with `"ingress": true`, every Service
 * port an Ingress in the same namespace routes to. Unknown exposed ports are reported in
 * `problems` and get no NEG.
 */
export function negPorts(
  service: V1Service,
  request: NegRequest,
  ingresses: readonly V1Ingress[],
): { ports: Map<number, string | undefined>; problems: string[] } {
  const ports = new Map<number, string | undefined>();
  const problems: string[] = [];
  for (const [port, name] of request.exposedPorts) {
    if (findServicePort(service, port)) ports.set(port, name);
    else problems.push(`exposed port ${port} is not a port of the Service`);
  }
  if (request.ingress) {
    const ns = service.metadata?.namespace;
    for (const ing of ingresses) {
      if (ing.metadata?.namespace !== ns) continue;
      for (const b of ingressServiceBackends(ing)) {
        if (b.name !== service.metadata?.name) continue;
        const sp = findServicePort(service, b.port);
        if (sp && !ports.has(sp.port)) ports.set(sp.port, undefined);
      }
    }
  }
  return { ports, problems };
}

/**
 * The endpoints of one Service port, by zone: from every IPv4 EndpointSlice of the Service, the
 * endpoints on one of `nodeZones`'s nodes, with the slice's port of the same name (the resolved
 * target port). In `'ready'` mode only ready endpoints count; in `'all'` mode every endpoint that
 * is not terminating. Duplicates across slices (seen during updates) are merged, a ready copy
 * winning. Endpoints on unknown nodes are left out: there is no VM to attach them to.
 */
export function negEndpointsByZone(
  servicePort: V1ServicePort,
  slices: readonly V1EndpointSlice[],
  nodeZones: ReadonlyMap<string, string>,
  mode: NegEndpointMode,
): Map<string, NegEndpoint[]> {
  const wantName = servicePort.name ?? '';
  const byKey = new Map<string, { zone: string; endpoint: NegEndpoint }>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === wantName && (p.protocol ?? 'TCP') === 'TCP',
    );
    if (sp?.port === undefined || sp.port === null) continue;
    for (const ep of slice.endpoints ?? []) {
      const ready = ep.conditions?.ready !== false;
      if (mode === 'ready' ? !ready : ep.conditions?.terminating === true) continue;
      const zone = ep.nodeName ? nodeZones.get(ep.nodeName) : undefined;
      const ip = ep.addresses?.[0];
      if (!zone || !ip || !ep.nodeName) continue;
      const endpoint: NegEndpoint = { instance: ep.nodeName, ipAddress: ip, port: sp.port, ready };
      const key = endpointKey(endpoint);
      const seen = byKey.get(key);
      if (!seen || (!seen.endpoint.ready && ready)) byKey.set(key, { zone, endpoint });
    }
  }
  const out = new Map<string, NegEndpoint[]>();
  for (const { zone, endpoint } of byKey.values()) {
    const list = out.get(zone) ?? [];
    list.push(endpoint);
    out.set(zone, list);
  }
  for (const list of out.values()) list.sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : 1));
  return out;
}

/** The slices of one Service, from a list of slices of many. */
export function slicesOf(service: V1Service, slices: readonly V1EndpointSlice[]): V1EndpointSlice[] {
  const ns = service.metadata?.namespace;
  const name = service.metadata?.name;
  return slices.filter(
    (s) => s.metadata?.namespace === ns && s.metadata?.labels?.[SERVICE_NAME_LABEL] === name,
  );
}
