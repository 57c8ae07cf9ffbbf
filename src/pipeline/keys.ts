import type { KubeObject } from './types.ts';

/**
 * The work-queue key of an object: `namespace/name`, or `name` alone for an object without a
 * namespace (client-go's `MetaNamespaceKeyFunc`). Returns undefined for an object without a name,
 * which the API server never sends; callers skip such objects rather than invent a key.
 */
export function keyOf(object: KubeObject): string | undefined {
  const name = object.metadata?.name;
  if (name === undefined || name === '') return undefined;
  const namespace = object.metadata?.namespace;
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}
