/** The plan module: observed + desired -> ordered, typed steps. Pure; no I/O. */
export { plan, PlanInputError } from './plan.ts';
export type { PlanOptions } from './plan.ts';
export { countSteps, describePlan, hasChanges } from './describe-plan.ts';
export { KIND_RULES } from './kind-rules.ts';
export type { KindRules } from './kind-rules.ts';
export { diffBodies } from './compare.ts';
export type { CompareRules, Difference } from './compare.ts';
export { observedReferences, refKey } from './references.ts';
export { classifyFirewallChange } from './firewall-order.ts';
export type { FirewallChange } from './firewall-order.ts';
