/**
 * The derived Service of `neg` mode (DESIGN §7): one per user Service in a member, named by the
 * naming module, with the user Service's selector and ports, type ClusterIP, and the
 * `cloud.google.com/neg` annotation asking GKE's NEG controller for standalone NEGs on the ports
 * the owning Ingresses use. Several Ingresses may share it: each owner's ports are recorded, and
 * the NEGs exposed are their union. Pure.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { derivedServiceName } from '../naming/index.ts';
import { negAnnotationValue } from '../translate/member-annotations.ts';
import { NEG_ANNOTATION } from '../translate/annotations.ts';
import { stableStringify } from '../util/stable-json.ts';
import { INSTANCE_ID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './member-ownership.ts';

export { derivedServiceName };

/** Label on a derived Service naming the user Service it mirrors. */
export const DERIVED_FROM_LABEL = 'kubemci.io/derived-from';

/**
 * Annotation on a derived Service: its owners, the Ingresses (of the Service's namespace) that
 * use it, each with the Service port numbers it needs, as JSON: `{"shop":[80],"cart":[80,443]}`.
 */
export const OWNERS_ANNOTATION = 'kubemci.io/owners';

/** Ingress name → Service port numbers it needs NEGs for. */
export type DerivedServiceOwners = Readonly<Record<string, readonly number[]>>;

/**
 * The owners recorded on a derived Service; `{}` when there is no annotation, undefined when it
 * does not parse (then nobody can tell who uses the Service, and garbage collection leaves it
 * alone). Never throws.
 */
export function parseOwners(service: V1Service | undefined): Record<string, number[]> | undefined {
  const text = service?.metadata?.annotations?.[OWNERS_ANNOTATION];
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out: Record<string, number[]> = {};
  for (const [ingress, ports] of Object.entries(parsed)) {
    if (!Array.isArray(ports)) return undefined;
    out[ingress] = ports.filter((p): p is number => Number.isInteger(p));
  }
  return out;
}

/** `owners` with `ingress` set to `ports` (or removed when `ports` is undefined). Pure. */
export function withOwner(
  owners: DerivedServiceOwners,
  ingress: string,
  ports: readonly number[] | undefined,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, p] of Object.entries(owners)) if (name !== ingress) out[name] = [...p];
  if (ports !== undefined) out[ingress] = [...new Set(ports)].sort((a, b) => a - b);
  return out;
}

/**
 * The derived Service for `user` owned by `owners`: built over `existing` when given, so that
 * what others wrote (the NEG controller's `neg-status`, the cluster IP, unrelated labels) is
 * kept and a PUT is accepted. Exposes the owners' ports that `user` has (a port the Service lost
 * is left out until the owner stops asking for it). Pure.
 */
export function toDerivedService(
  user: V1Service,
  args: { readonly instanceId: string; readonly owners: DerivedServiceOwners },
  existing?: V1Service,
): V1Service {
  const namespace = user.metadata?.namespace ?? '';
  const serviceName = user.metadata?.name ?? '';
  const userPorts = user.spec?.ports ?? [];
  const wanted = new Set(Object.values(args.owners).flat());
  const exposed = userPorts.map((p) => p.port).filter((p) => wanted.has(p));
  const owners = Object.fromEntries(
    Object.entries(args.owners)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, ports]) => [name, [...new Set(ports)].sort((a, b) => a - b)]),
  );
  const selector = user.spec?.selector;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...(existing?.metadata ?? {}),
      name: derivedServiceName(args.instanceId, namespace, serviceName),
      namespace,
      labels: {
        ...(existing?.metadata?.labels ?? {}),
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [DERIVED_FROM_LABEL]: serviceName,
      },
      annotations: {
        ...(existing?.metadata?.annotations ?? {}),
        [INSTANCE_ID_ANNOTATION]: args.instanceId,
        [OWNERS_ANNOTATION]: stableStringify(owners),
        [NEG_ANNOTATION]: negAnnotationValue(exposed),
      },
    },
    spec: {
      ...(existing?.spec ?? {}),
      type: 'ClusterIP',
      selector: selector && Object.keys(selector).length > 0 ? { ...selector } : undefined,
      ports: userPorts.map(copyPort),
    },
  };
}

/**
 * True when `existing` differs from `desired` in anything the controller manages (its labels and
 * annotations, type, selector, ports): only then is a write needed. Pure.
 */
export function derivedServiceDiffers(existing: V1Service, desired: V1Service): boolean {
  return stableStringify(managedView(existing)) !== stableStringify(managedView(desired));
}

function managedView(service: V1Service): unknown {
  const labels = service.metadata?.labels ?? {};
  const annotations = service.metadata?.annotations ?? {};
  return {
    labels: [MANAGED_BY_LABEL, DERIVED_FROM_LABEL].map((k) => labels[k] ?? null),
    annotations: [INSTANCE_ID_ANNOTATION, OWNERS_ANNOTATION, NEG_ANNOTATION].map(
      (k) => annotations[k] ?? null,
    ),
    type: service.spec?.type ?? 'ClusterIP',
    selector: service.spec?.selector ?? {},
    ports: (service.spec?.ports ?? []).map((p) => normalisedPort(copyPort(p))),
  };
}

function copyPort(p: V1ServicePort): V1ServicePort {
  const port: V1ServicePort = { port: p.port };
  if (p.name) port.name = p.name;
  if (p.targetPort !== undefined) port.targetPort = p.targetPort;
  if (p.protocol) port.protocol = p.protocol;
  if (p.appProtocol) port.appProtocol = p.appProtocol;
  return port;
}

/** The apiserver defaults protocol and targetPort; compare as it stores them. */
function normalisedPort(p: V1ServicePort): V1ServicePort {
  return { ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port };
}
