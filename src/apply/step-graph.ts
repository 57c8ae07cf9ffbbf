import type { ResourceKind, ResourceRef } from '../model/gce.ts';
import type { PlanStep } from '../model/plan.ts';

/**
 * Which kinds a resource of each kind can hold a URL to (the GCLB reference graph). Used for
 * deletes: a step's `dependsOn` lists what its new body references, not what the old one did, so
 * a delete of an old certificate must wait for every proxy update that may be repointing away
 * from it (create new cert, setSslCertificates, then delete the old one).
 */
export const MAY_REFERENCE: Readonly<Partial<Record<ResourceKind, readonly ResourceKind[]>>> = {
  globalForwardingRules: ['targetHttpProxies', 'targetHttpsProxies', 'addresses'],
  targetHttpProxies: ['urlMaps'],
  targetHttpsProxies: ['urlMaps', 'sslCertificates'],
  urlMaps: ['backendServices'],
  backendServices: ['healthChecks'],
};

/** The order of a plan's steps: who waits for whom. */
export interface StepGraph {
  /** For each step (by plan index), the indexes of the steps that must finish before it starts. */
  readonly waitsFor: readonly (readonly number[])[];
  /** Steps on (or behind) a dependency cycle; they can never start. */
  readonly cyclic: ReadonlySet<number>;
}

/**
 * Orders a plan. `nothing` steps wait for nothing and nobody waits for them. A create, update or
 * recreate waits for the non-delete steps of the resources its `dependsOn` names (so a
 * reference is written only after its target's operation is DONE). A delete of R waits for every
 * step that names R in `dependsOn`, and for every update, recreate or delete of a kind that may
 * reference R's kind (so R goes only after everything that used it is gone or repointed).
 * Pure; never throws.
 */
export function buildStepGraph(steps: readonly PlanStep[]): StepGraph {
  const byRef = new Map<string, number[]>();
  steps.forEach((s, i) => {
    const list = byRef.get(key(s));
    if (list) list.push(i);
    else byRef.set(key(s), [i]);
  });
  const waitsFor = steps.map((s, i) => {
    const out = new Set<number>();
    if (s.op === 'nothing') return [];
    if (s.op !== 'delete') {
      for (const dep of s.dependsOn) {
        for (const j of byRef.get(key(dep)) ?? []) {
          const d = steps[j];
          if (j !== i && d && d.op !== 'nothing' && d.op !== 'delete') out.add(j);
        }
      }
    } else {
      steps.forEach((other, j) => {
        if (j === i || other.op === 'nothing') return;
        const names = other.dependsOn.some((dep) => key(dep) === key(s));
        const mayRepoint = other.op !== 'create' && (MAY_REFERENCE[other.kind] ?? []).includes(s.kind);
        if (names || mayRepoint) out.add(j);
      });
    }
    return [...out].sort((a, b) => a - b);
  });
  return { waitsFor, cyclic: cyclicSteps(waitsFor) };
}

/** Kahn's algorithm: whatever never becomes ready is on a cycle or waits for one. */
function cyclicSteps(waitsFor: readonly (readonly number[])[]): Set<number> {
  const pending = waitsFor.map((w) => w.length);
  const dependents = waitsFor.map(() => [] as number[]);
  waitsFor.forEach((w, i) => w.forEach((j) => dependents[j]?.push(i)));
  const ready = pending.flatMap((n, i) => (n === 0 ? [i] : []));
  const done = new Set<number>();
  while (ready.length > 0) {
    const i = ready.pop() as number;
    done.add(i);
    for (const d of dependents[i] ?? []) {
      pending[d] = (pending[d] ?? 0) - 1;
      if (pending[d] === 0) ready.push(d);
    }
  }
  return new Set(waitsFor.flatMap((_, i) => (done.has(i) ? [] : [i])));
}

/** `kind/name`, the identity of a resource within one project. */
export function refKey(ref: ResourceRef): string {
  return `${ref.kind}/${ref.name}`;
}

const key = refKey;
