import type { CheckedPlan, Plan, PlanStep } from '../model/plan.ts';

/** True when applying the plan would call GCE at all (some step is not `nothing`). */
export function hasChanges(plan: Plan): boolean {
  return plan.steps.some((step) => step.op !== 'nothing');
}

/** How many steps of each op the plan has, e.g. `{create: 3, nothing: 5}`. */
export function countSteps(plan: Plan): Partial<Record<PlanStep['op'], number>> {
  const counts: Partial<Record<PlanStep['op'], number>> = {};
  for (const step of plan.steps) counts[step.op] = (counts[step.op] ?? 0) + 1;
  return counts;
}

/**
 * The plan as lines for a person (the dry run): one per step that changes something (or every
 * step with `all`), then one per problem. Bodies are not printed; reasons never hold secrets.
 */
export function describePlan(plan: Plan | CheckedPlan, all = false): string[] {
  const lines = plan.steps
    .filter((step) => all || step.op !== 'nothing')
    .map((step) => {
      const method = step.method === undefined ? '' : ` (${step.method})`;
      const after =
        step.dependsOn.length === 0
          ? ''
          : ` [after ${step.dependsOn.map((d) => `${d.kind}/${d.name}`).join(', ')}]`;
      return `${step.op}${method} ${step.kind}/${step.name}: ${step.reason}${after}`;
    });
  for (const problem of 'problems' in plan ? plan.problems : [])
    lines.push(`problem ${problem.code}: ${problem.message}`);
  return lines;
}
