import { deepEqual } from './deep-equal.ts';
import type { IngressObject, ObjectMeta } from './types.ts';

/** The annotation in which the controller reports an Ingress's state (DESIGN §2). */
export const STATUS_ANNOTATION = 'kubemci.io/status';

/** The finalizer the controller puts on every multicluster Ingress it manages. */
export const CLEANUP_FINALIZER = 'kubemci.io/cleanup';

/**
 * True when every difference between two versions of an Ingress lies in fields the controller
 * writes itself or the API server bumps on any write: the `kubemci.io/status` annotation,
 * `status.loadBalancer`, the `kubemci.io/cleanup` finalizer, `resourceVersion` and `managedFields`
 * (also true when nothing differs). Such an event is the echo of our own write, and reconciling on
 * it would loop. Any other change (spec, labels, other annotations or finalizers, a deletion
 * timestamp, `generation`) makes it false. Absent, empty and stripped-to-empty annotation maps,
 * finalizer lists and status objects count as equal, because our first write creates them. Pure; never throws.
 */
export function onlyOwnFieldsChanged(previous: IngressObject, current: IngressObject): boolean {
  return deepEqual(withoutOwnFields(previous), withoutOwnFields(current));
}

function withoutOwnFields(ingress: IngressObject): unknown {
  const { metadata, status, ...rest } = ingress;
  const {
    resourceVersion: _resourceVersion,
    managedFields: _managedFields,
    annotations,
    finalizers,
    ...meta
  } = metadata ?? ({} as ObjectMeta);
  const { [STATUS_ANNOTATION]: _status, ...otherAnnotations } = annotations ?? {};
  const otherFinalizers = (finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
  const { loadBalancer: _loadBalancer, ...otherStatus } = (status ?? {}) as Record<string, unknown>;
  return {
    ...rest,
    metadata: {
      ...meta,
      annotations: nonEmpty(otherAnnotations),
      finalizers: otherFinalizers.length > 0 ? otherFinalizers : undefined,
    },
    status: nonEmpty(otherStatus),
  };
}

function nonEmpty(record: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(record).some((k) => record[k] !== undefined) ? record : undefined;
}
