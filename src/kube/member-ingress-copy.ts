/**
 * The Ingress copy of `instance-group` mode (DESIGN §7): kubemci's way of making GKE's
 * ingress-gce create instance groups with named ports in a member. The copy has class
 * `gce-multi-cluster` (ingress-gce then builds instance groups but no load balancer) and a marker
 * annotation that makes our controller ignore it, which matters when the registry is itself a
 * member: our controller accepts `gce-multi-cluster` for migration. Its name differs from the
 * original's so that, in a registry that is also a member, the copy sits beside the original.
 * Pure.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { HASH_LENGTH, NAME_PREFIX, sanitizeField, shortHash, trimFieldsEvenly } from '../naming/index.ts';
import { INGRESS_CLASS_ANNOTATION, LEGACY_INGRESS_CLASS } from '../translate/annotations.ts';
import { stableStringify } from '../util/stable-json.ts';
import { INSTANCE_ID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './member-ownership.ts';

/**
 * The marker: present on every Ingress copy, its value the original Ingress's name (same
 * namespace). The controller must ignore an Ingress that carries it (see {@link isIngressCopy}).
 */
export const INGRESS_COPY_ANNOTATION = 'kubemci.io/copy-of';

/**
 * Two letters for Ingress copies in names. The naming module's TYPE_CODES holds GCE resources
 * and the derived Service; this code is outside it and must stay distinct from its codes.
 */
const COPY_CODE = 'ic';

/**
 * The name of the copy of Ingress `namespace/name` in every member:
 * `mci2-ic-<name, cut to fit>-<hash of instance, namespace and name>`, at most 63 characters,
 * like the naming module's names (the hash keeps it distinct from the original and from another
 * instance's copy). Pure.
 */
export function ingressCopyName(instanceId: string, namespace: string, name: string): string {
  const budget = 63 - NAME_PREFIX.length - 1 - COPY_CODE.length - 1 - 1 - HASH_LENGTH;
  const [field] = trimFieldsEvenly([sanitizeField(name)], budget);
  const hash = shortHash(['ingressCopy', instanceId, namespace, name], HASH_LENGTH);
  return [NAME_PREFIX, COPY_CODE, field, hash].join('-');
}

/** True when `ingress` is a copy written by a kubemci controller; the controller must ignore it. */
export function isIngressCopy(ingress: {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
}): boolean {
  return ingress.metadata?.annotations?.[INGRESS_COPY_ANNOTATION] !== undefined;
}

/**
 * The copy of `original` for a member: its rules and default backend, class
 * `gce-multi-cluster` by annotation, no `ingressClassName` and no TLS (TLS Secrets live in the
 * registry; the copy only makes instance groups). Built over `existing` when given, so that
 * what ingress-gce wrote (the `instance-groups` annotation, status) is kept. Pure.
 */
export function toIngressCopy(original: V1Ingress, instanceId: string, existing?: V1Ingress): V1Ingress {
  const namespace = original.metadata?.namespace ?? '';
  const name = original.metadata?.name ?? '';
  const spec = original.spec ?? {};
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...(existing?.metadata ?? {}),
      name: ingressCopyName(instanceId, namespace, name),
      namespace,
      labels: { ...(existing?.metadata?.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        ...(existing?.metadata?.annotations ?? {}),
        [INGRESS_CLASS_ANNOTATION]: LEGACY_INGRESS_CLASS,
        [INGRESS_COPY_ANNOTATION]: name,
        [INSTANCE_ID_ANNOTATION]: instanceId,
      },
    },
    spec: {
      ...(spec.defaultBackend ? { defaultBackend: structuredClone(spec.defaultBackend) } : {}),
      ...(spec.rules ? { rules: structuredClone(spec.rules) } : {}),
    },
  };
}

/** True when `existing` differs from `desired` in what the controller manages. Pure. */
export function ingressCopyDiffers(existing: V1Ingress, desired: V1Ingress): boolean {
  return stableStringify(managedView(existing)) !== stableStringify(managedView(desired));
}

function managedView(ingress: V1Ingress): unknown {
  const annotations = ingress.metadata?.annotations ?? {};
  return {
    label: ingress.metadata?.labels?.[MANAGED_BY_LABEL] ?? null,
    annotations: [INGRESS_CLASS_ANNOTATION, INGRESS_COPY_ANNOTATION, INSTANCE_ID_ANNOTATION].map(
      (k) => annotations[k] ?? null,
    ),
    spec: {
      defaultBackend: ingress.spec?.defaultBackend ?? null,
      rules: ingress.spec?.rules ?? null,
      ingressClassName: ingress.spec?.ingressClassName ?? null,
      tls: ingress.spec?.tls ?? null,
    },
  };
}
