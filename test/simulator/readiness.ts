/**
 * Which pods the simulated kubelet reports Ready. Tests flip readiness to simulate failures: for a
 * whole cluster (`'all'`, which also decides for pods created later) or for the pods a selector
 * matches. Later rules win over earlier ones. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';

/** Pods to flip: every pod, or those matching all the given fields. */
export type PodSelector =
  | 'all'
  | {
      readonly namespace?: string;
      readonly name?: string;
      /** Labels the pod must carry (equality only). */
      readonly labels?: Readonly<Record<string, string>>;
    };

/** True if `pod` is selected. */
export function selects(selector: PodSelector, pod: V1Pod): boolean {
  if (selector === 'all') return true;
  const md = pod.metadata ?? {};
  if (selector.namespace !== undefined && md.namespace !== selector.namespace) return false;
  if (selector.name !== undefined && md.name !== selector.name) return false;
  for (const [k, v] of Object.entries(selector.labels ?? {})) {
    if (md.labels?.[k] !== v) return false;
  }
  return true;
}

/** The readiness rules of one simulated cluster. */
export class ReadinessRules {
  #default = true;
  #rules: { selector: Exclude<PodSelector, 'all'>; ready: boolean }[] = [];

  /** Records a rule; `'all'` forgets every earlier rule and sets the default for every pod. */
  set(selector: PodSelector, ready: boolean): void {
    if (selector === 'all') {
      this.#default = ready;
      this.#rules = [];
    } else {
      this.#rules.push({ selector, ready });
    }
  }

  /** Whether `pod` should be Ready: the last rule that selects it, else the default. */
  readyFor(pod: V1Pod): boolean {
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const rule = this.#rules[i]!;
      if (selects(rule.selector, pod)) return rule.ready;
    }
    return this.#default;
  }
}
