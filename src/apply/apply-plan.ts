import type { ResourceRef } from '../model/gce.ts';
import type { Plan, PlanStep, StepOutcome } from '../model/plan.ts';
import { GceError } from '../gce/errors.ts';
import type { WriteResult } from '../gce/gce-client.ts';
import { PlanCycleError } from './errors.ts';
import { runStep } from './run-step.ts';
import type { ApplyClient } from './run-step.ts';
import { buildStepGraph } from './step-graph.ts';

/** How to apply a plan. */
export interface ApplyOptions {
  /** At most this many steps in flight at once (default 8). */
  readonly concurrency?: number;
  /** Send nothing; return every step as `planned`, with what it would wait for. */
  readonly dryRun?: boolean;
  /** Called as each step settles (done, failed or skipped), e.g. for Events and metrics. */
  readonly onStep?: (result: StepResult) => void;
}

/** Why a step did not run. */
export type SkipReason =
  /** A step it waits for failed or was skipped. */
  | 'dependencyFailed'
  /** A 412 aborted the plan before the step started. */
  | 'aborted';

/** What happened to one step. */
export type StepResult =
  | {
      readonly step: PlanStep;
      readonly status: 'done';
      readonly outcome: StepOutcome;
      readonly writes: readonly WriteResult[];
    }
  | { readonly step: PlanStep; readonly status: 'failed'; readonly error: Error }
  | {
      readonly step: PlanStep;
      readonly status: 'skipped';
      readonly reason: SkipReason;
      /** The failed or skipped step it was waiting for, the first to settle (empty when aborted). */
      readonly blockedBy: readonly ResourceRef[];
    }
  | { readonly step: PlanStep; readonly status: 'planned'; readonly waitsFor: readonly ResourceRef[] };

/** The outcome of applying a plan. */
export interface ApplyResult {
  readonly dryRun: boolean;
  readonly plan: Plan;
  /** One result per plan step, in plan order. */
  readonly steps: readonly StepResult[];
  /** The failed steps, in plan order. */
  readonly failures: readonly Extract<StepResult, { status: 'failed' }>[];
  /**
   * The observed state the plan was made from is out of date (412 stale fingerprint, 409 on a
   * create, 404 on a write): observe with `refresh` and plan again rather than retry this plan.
   */
  readonly needsReplan: boolean;
  /** True when every step is done (or planned, in a dry run). */
  readonly ok: boolean;
}

/** Failures that mean "the world is not what we observed", as opposed to a bad request. */
const STALE_OBSERVATION = new Set(['preconditionFailed', 'alreadyExists', 'notFound']);

/**
 * Applies a plan as a dependency graph (see `buildStepGraph`): a step starts when every step it
 * waits for has finished, i.e. its operation is DONE; independent steps run in parallel up to
 * `concurrency`; `nothing` steps are `unchanged` without a call. A failed step fails only itself
 * and the steps that wait for it; independent branches go on. A 412 (stale fingerprint) aborts:
 * steps in flight finish, no new step starts, and `needsReplan` is set. Steps on a dependency
 * cycle fail with PlanCycleError. Never rejects: every failure is in the result.
 */
export async function applyPlan(
  plan: Plan,
  client: ApplyClient,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const steps = plan.steps;
  const graph = buildStepGraph(steps);
  const refs = (idx: readonly number[]): ResourceRef[] =>
    idx.map((j) => steps[j]).flatMap((s) => (s ? [{ kind: s.kind, name: s.name }] : []));

  if (options.dryRun) {
    const planned = steps.map((step, i): StepResult => ({
      step,
      status: 'planned',
      waitsFor: refs(graph.waitsFor[i] ?? []),
    }));
    return { dryRun: true, plan, steps: planned, failures: [], needsReplan: false, ok: true };
  }

  const wanted = options.concurrency ?? 8;
  const concurrency = Number.isFinite(wanted) ? Math.max(1, Math.floor(wanted)) : 8;
  const results: (StepResult | undefined)[] = steps.map(() => undefined);
  const pending = graph.waitsFor.map((w) => w.length);
  const dependents = steps.map(() => [] as number[]);
  graph.waitsFor.forEach((w, i) => w.forEach((j) => dependents[j]?.push(i)));
  const ready: number[] = [];
  let running = 0;
  let aborted = false;
  let needsReplan = false;

  const settle = (i: number, result: StepResult): void => {
    results[i] = result;
    try {
      options.onStep?.(result);
    } catch {
      // A failing progress hook must not change what was applied.
    }
  };

  // A step that did not succeed skips everything waiting for it, transitively; those cannot
  // have started, since they were waiting.
  const release = (i: number): void => {
    const ok = results[i]?.status === 'done';
    for (const d of dependents[i] ?? []) {
      if (results[d] !== undefined) continue;
      if (ok) {
        pending[d] = (pending[d] ?? 1) - 1;
        if (pending[d] === 0) ready.push(d);
        continue;
      }
      const step = steps[d] as PlanStep;
      settle(d, { step, status: 'skipped', reason: 'dependencyFailed', blockedBy: refs([i]) });
      release(d);
    }
  };

  steps.forEach((step, i) => {
    if (graph.cyclic.has(i)) settle(i, { step, status: 'failed', error: new PlanCycleError(step) });
    else if (step.op === 'nothing') settle(i, { step, status: 'done', outcome: 'unchanged', writes: [] });
    else if (pending[i] === 0) ready.push(i);
  });
  steps.forEach((_, i) => {
    if (results[i]?.status === 'failed') release(i);
  });

  await new Promise<void>((finished) => {
    const pump = (): void => {
      while (!aborted && running < concurrency && ready.length > 0) {
        const i = ready.shift() as number;
        const step = steps[i] as PlanStep;
        running++;
        runStep(step, client)
          .then(
            (done) => settle(i, { step, status: 'done', ...done }),
            (err: unknown) => {
              const error = err instanceof Error ? err : new Error(String(err));
              if (error instanceof GceError && STALE_OBSERVATION.has(error.kind)) needsReplan = true;
              if (error instanceof GceError && error.kind === 'preconditionFailed') aborted = true;
              settle(i, { step, status: 'failed', error });
            },
          )
          .finally(() => {
            running--;
            release(i);
            pump();
          });
      }
      if (running === 0) finished();
    };
    pump();
  });

  const final = steps.map(
    (step, i): StepResult => results[i] ?? { step, status: 'skipped', reason: 'aborted', blockedBy: [] },
  );
  const failures = final.filter((r): r is Extract<StepResult, { status: 'failed' }> => r.status === 'failed');
  return {
    dryRun: false,
    plan,
    steps: final,
    failures,
    needsReplan,
    ok: final.every((r) => r.status === 'done'),
  };
}
