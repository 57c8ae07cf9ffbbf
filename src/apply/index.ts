/** The plan applier. */
export { applyPlan } from './apply-plan.ts';
export type { ApplyOptions, ApplyResult, StepResult, SkipReason } from './apply-plan.ts';
export type { ApplyClient, StepDone } from './run-step.ts';
export { InvalidStepError, PlanCycleError } from './errors.ts';
export { buildStepGraph, MAY_REFERENCE, refKey } from './step-graph.ts';
export type { StepGraph } from './step-graph.ts';
