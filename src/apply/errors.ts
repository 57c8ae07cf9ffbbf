import type { PlanStep } from '../model/plan.ts';

/** A step the applier cannot execute as written (no body to insert, a name mismatch). Terminal. */
export class InvalidStepError extends Error {
  override readonly name = 'InvalidStepError';
  readonly step: PlanStep;

  constructor(step: PlanStep, why: string) {
    super(`${step.op} ${step.kind}/${step.name}: ${why}`);
    this.step = step;
  }
}

/** A step whose dependencies lead back to itself; the plan is wrong, so none of them runs. */
export class PlanCycleError extends Error {
  override readonly name = 'PlanCycleError';
  readonly step: PlanStep;

  constructor(step: PlanStep) {
    super(`${step.op} ${step.kind}/${step.name}: the plan's dependencies form a cycle through this step`);
    this.step = step;
  }
}
