/**
 * How the controller marks the objects it writes in member clusters (derived Services, Ingress
 * copies), so that it finds them again and never touches anyone else's. Pure.
 */

/** Label on every member object we own; list and watch select on it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The value of {@link MANAGED_BY_LABEL} on our objects. */
export const MANAGED_BY_VALUE = 'kubemci-controller';

/** The label selector of our member objects (of every controller instance). */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/**
 * Annotation naming the controller instance (`--instance-id`) that owns the object: several
 * registries may share a member, and each touches only its own objects. An annotation, as an
 * instance ID need not be a valid label value.
 */
export const INSTANCE_ID_ANNOTATION = 'kubemci.io/instance-id';

/** The metadata read to decide ownership. */
export interface OwnedMeta {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

/** True when `object` carries our label and `instanceId`'s annotation. Never throws. */
export function isOwnedByInstance(object: OwnedMeta, instanceId: string): boolean {
  return (
    object.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE &&
    object.metadata?.annotations?.[INSTANCE_ID_ANNOTATION] === instanceId
  );
}
