import type { MemberFact } from './types.ts';

/**
 * Which Ingresses depend on which member-cluster objects, as the reconciler last found them (the
 * Services, NEG statuses and instance-group annotations it read). Immutable: updates return a new
 * index, so a snapshot handed to the pipeline never changes under it.
 */
export interface DependencyIndex {
  /** Fact id → keys of the Ingresses that depend on it. */
  readonly byFact: ReadonlyMap<string, ReadonlySet<string>>;
  /** Ingress key → ids of the facts it depends on. */
  readonly byIngress: ReadonlyMap<string, readonly string[]>;
}

/** The index with no dependencies. */
export const EMPTY_DEPENDENCY_INDEX: DependencyIndex = { byFact: new Map(), byIngress: new Map() };

/** The identity of a member-cluster object: `cluster/kind/namespace/name`. */
export function factId(fact: MemberFact): string {
  return `${fact.cluster}/${fact.kind}/${fact.namespace}/${fact.name}`;
}

/**
 * A new index in which `ingressKey` depends on exactly `facts` (an empty list removes the key, as
 * after its Ingress is deleted). Cost proportional to the facts of the key and the size of the
 * maps copied. Never throws.
 */
export function withDependencies(
  index: DependencyIndex,
  ingressKey: string,
  facts: readonly MemberFact[],
): DependencyIndex {
  const byFact = new Map(index.byFact);
  const byIngress = new Map(index.byIngress);
  for (const id of index.byIngress.get(ingressKey) ?? []) {
    const dependents = new Set(byFact.get(id));
    dependents.delete(ingressKey);
    if (dependents.size > 0) byFact.set(id, dependents);
    else byFact.delete(id);
  }
  const ids = [...new Set(facts.map(factId))];
  for (const id of ids) {
    byFact.set(id, new Set(byFact.get(id)).add(ingressKey));
  }
  if (ids.length > 0) byIngress.set(ingressKey, ids);
  else byIngress.delete(ingressKey);
  return { byFact, byIngress };
}

/** The keys of the Ingresses that depend on a fact, in the order they were added. Never throws. */
export function dependentsOf(index: DependencyIndex, fact: MemberFact): readonly string[] {
  return [...(index.byFact.get(factId(fact)) ?? [])];
}
