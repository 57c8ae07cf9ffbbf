/**
 * The annotations GKE's controllers read and write, parsed and rendered in ingress-gce's formats.
 * Pure functions: no I/O.
 */
import type { V1Ingress, V1IngressBackend, V1Service } from '@kubernetes/client-node';

/** `cloud.google.com/neg` on a Service: which NEGs the user asks for. */
export const NEG_ANNOTATION = 'cloud.google.com/neg';
/** `cloud.google.com/neg-status` on a Service: the NEGs GKE made for it. */
export const NEG_STATUS_ANNOTATION = 'cloud.google.com/neg-status';
/** `ingress.gcp.kubernetes.io/instance-groups` on a `gce-multi-cluster` Ingress. */
export const INSTANCE_GROUPS_ANNOTATION = 'ingress.gcp.kubernetes.io/instance-groups';
/** The classic ingress-class annotation. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** The class kubemci gives the Ingress copies whose instance groups GKE must keep. */
export const MULTI_CLUSTER_CLASS = 'gce-multi-cluster';

/** The parsed `cloud.google.com/neg` annotation. */
export interface NegRequest {
  /** NEGs for the Service ports an Ingress in the same cluster uses. */
  readonly ingress: boolean;
  /** Standalone NEGs: Service port → optional custom NEG name. */
  readonly exposedPorts: ReadonlyMap<number, string | undefined>;
}

/** The parsed `cloud.google.com/neg-status` annotation. */
export interface NegStatus {
  /** Service port (as text) → NEG name. */
  readonly network_endpoint_groups: Readonly<Record<string, string>>;
  readonly zones: readonly string[];
}

/** The result of parsing an annotation that may be malformed. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Parses `cloud.google.com/neg`. Absent → `{ok: true, value: undefined}`; malformed JSON, a port
 * that is not a number, or a non-object entry → `{ok: false, error}` (GKE reports such Services
 * in an Event and makes no NEGs).
 */
export function parseNegRequest(service: V1Service): Parsed<NegRequest | undefined> {
  const text = service.metadata?.annotations?.[NEG_ANNOTATION];
  if (text === undefined) return { ok: true, value: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${NEG_ANNOTATION} is not JSON: ${(err as Error).message}` };
  }
  if (!isRecord(raw)) return { ok: false, error: `${NEG_ANNOTATION} must be a JSON object` };
  const exposedPorts = new Map<number, string | undefined>();
  const exposed = raw.exposed_ports;
  if (exposed !== undefined) {
    if (!isRecord(exposed)) return { ok: false, error: `${NEG_ANNOTATION}: exposed_ports must be an object` };
    for (const [key, entry] of Object.entries(exposed)) {
      const port = Number(key);
      if (!/^\d+$/.test(key) || port < 1 || port > 65535) {
        return {
          ok: false,
          error: `${NEG_ANNOTATION}: exposed port ${JSON.stringify(key)} is not a port number`,
        };
      }
      if (!isRecord(entry))
        return { ok: false, error: `${NEG_ANNOTATION}: exposed port ${key} must map to an object` };
      const name = entry.name;
      if (name !== undefined && typeof name !== 'string') {
        return { ok: false, error: `${NEG_ANNOTATION}: the name of exposed port ${key} must be a string` };
      }
      exposedPorts.set(port, name === '' ? undefined : name);
    }
  }
  return { ok: true, value: { ingress: raw.ingress === true, exposedPorts } };
}

/** Parses `cloud.google.com/neg-status`; undefined when absent or malformed. */
export function parseNegStatus(service: V1Service): NegStatus | undefined {
  const text = service.metadata?.annotations?.[NEG_STATUS_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const raw: unknown = JSON.parse(text);
    if (!isRecord(raw) || !isRecord(raw.network_endpoint_groups) || !Array.isArray(raw.zones))
      return undefined;
    const negs: Record<string, string> = {};
    for (const [port, name] of Object.entries(raw.network_endpoint_groups)) {
      if (typeof name === 'string') negs[port] = name;
    }
    return {
      network_endpoint_groups: negs,
      zones: raw.zones.filter((z): z is string => typeof z === 'string'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Renders `cloud.google.com/neg-status` exactly as ingress-gce does: ports in ascending order,
 * zones sorted, no spaces.
 */
export function renderNegStatus(negs: ReadonlyMap<number, string>, zones: readonly string[]): string {
  const byPort: Record<string, string> = {};
  for (const port of [...negs.keys()].sort((a, b) => a - b)) byPort[String(port)] = negs.get(port)!;
  return JSON.stringify({ network_endpoint_groups: byPort, zones: [...zones].sort() });
}

/** One instance group as the instance-groups annotation lists it. */
export interface InstanceGroupRef {
  readonly Name: string;
  /** The zone's URL as the API returns it (`https://www.googleapis.com/compute/v1/projects/p/zones/z`). */
  readonly Zone: string;
}

/** Renders `ingress.gcp.kubernetes.io/instance-groups`: a JSON list, sorted by zone URL. */
export function renderInstanceGroups(groups: readonly InstanceGroupRef[]): string {
  const sorted = [...groups].sort((a, b) => (a.Zone < b.Zone ? -1 : a.Zone > b.Zone ? 1 : 0));
  return JSON.stringify(sorted.map((g) => ({ Name: g.Name, Zone: g.Zone })));
}

/** True for an Ingress of class `gce-multi-cluster` (annotation, or `spec.ingressClassName`). */
export function isMultiClusterIngress(ingress: V1Ingress): boolean {
  const cls = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] ?? ingress.spec?.ingressClassName;
  return cls === MULTI_CLUSTER_CLASS;
}

/** Every Service backend an Ingress names (default backend first, then rules in order). */
export function ingressServiceBackends(ingress: V1Ingress): { name: string; port: number | string }[] {
  const out: { name: string; port: number | string }[] = [];
  const add = (b: V1IngressBackend | undefined) => {
    const svc = b?.service;
    if (!svc?.name) return;
    const port = svc.port?.number ?? svc.port?.name;
    if (port === undefined || port === '') return;
    out.push({ name: svc.name, port });
  };
  add(ingress.spec?.defaultBackend);
  for (const rule of ingress.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) add(path.backend);
  }
  return out;
}

/** The Service port an Ingress backend refers to (by number or by name), if the Service has it. */
export function findServicePort(service: V1Service, port: number | string) {
  return (service.spec?.ports ?? []).find((p) =>
    typeof port === 'number' ? p.port === port : p.name === port,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
