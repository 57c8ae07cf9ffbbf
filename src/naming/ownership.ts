/**
 * The ownership marker: every resource the controller creates carries, as its whole
 * `description`, a small JSON object naming the controller instance and the owning Ingress.
 * Deletion and garbage collection only touch resources whose marker names our instance (and, for
 * one Ingress's plan, that Ingress); anything else, even with a look-alike name, is left alone.
 *
 * Format (keys in this order, no spaces), e.g.
 * `{"managedBy":"kubemci.io","instance":"0f1e…","ingress":"shop/frontend","about":"service web port 80"}`.
 * `about` is optional text for people. The format is part of the naming scheme: never change it
 * silently (see docs/adr/0004-naming-scheme.md).
 */

/** The value of `managedBy` in our markers. */
export const MANAGED_BY = 'kubemci.io';

/** Who owns a resource: a controller instance and one of its Ingresses. */
export interface Ownership {
  readonly instanceId: string;
  readonly namespace: string;
  readonly name: string;
}

/** The `description` to write on a resource owned by `owner`; `about` says what it is for. */
export function ownershipDescription(owner: Ownership, about?: string): string {
  const marker: Record<string, string> = {
    managedBy: MANAGED_BY,
    instance: owner.instanceId,
    ingress: `${owner.namespace}/${owner.name}`,
  };
  if (about !== undefined && about !== '') marker.about = about;
  return JSON.stringify(marker);
}

/**
 * The owner recorded in a resource's `description`, or undefined when the description is not
 * one of our markers (absent, not JSON, another tool's JSON, a malformed marker). Never throws.
 */
export function parseOwnership(description: unknown): Ownership | undefined {
  if (typeof description !== 'string' || !description.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(description);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { managedBy, instance, ingress } = parsed as Record<string, unknown>;
  if (managedBy !== MANAGED_BY || typeof instance !== 'string' || instance === '') return undefined;
  if (typeof ingress !== 'string') return undefined;
  const slash = ingress.indexOf('/');
  if (slash <= 0 || slash === ingress.length - 1 || ingress.indexOf('/', slash + 1) !== -1) return undefined;
  return { instanceId: instance, namespace: ingress.slice(0, slash), name: ingress.slice(slash + 1) };
}

/**
 * True when `description` is our marker for instance `instanceId` and, if `ingress` is given,
 * for that Ingress.
 */
export function isOwnedBy(
  description: unknown,
  instanceId: string,
  ingress?: { readonly namespace: string; readonly name: string },
): boolean {
  const owner = parseOwnership(description);
  if (owner === undefined || owner.instanceId !== instanceId) return false;
  return ingress === undefined || (owner.namespace === ingress.namespace && owner.name === ingress.name);
}

/** A string naming one owner, for indexes: `instance/namespace/name` (none of which holds a '/'). */
export function ownerKey(owner: Ownership): string {
  return `${owner.instanceId}/${owner.namespace}/${owner.name}`;
}
