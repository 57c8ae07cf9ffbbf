import type { ComputeBody } from '../model/gce.ts';
import type { PlanStep, StepOutcome } from '../model/plan.ts';
import type { GceClient, WriteResult } from '../gce/gce-client.ts';
import { InvalidStepError } from './errors.ts';

/** The part of the GCE client the applier calls; a fake implements just this. */
export type ApplyClient = Pick<
  GceClient,
  'insert' | 'update' | 'patch' | 'delete' | 'setUrlMap' | 'setSslCertificates' | 'setTarget'
>;

/** What one executed step did. */
export interface StepDone {
  readonly outcome: StepOutcome;
  /** Every write sent, in order (none for `nothing`). */
  readonly writes: readonly WriteResult[];
}

/**
 * Executes one step: create -> insert; update -> the step's method (default `update`), with the
 * observed fingerprint put into the body for `update` and `patch`; recreate -> delete then insert;
 * delete -> delete (already absent counts as deleted); nothing -> no call. Resolves when every
 * operation is DONE. Rejects with the client's GceError, or InvalidStepError when the step lacks
 * what its op needs.
 */
export async function runStep(step: PlanStep, client: ApplyClient): Promise<StepDone> {
  switch (step.op) {
    case 'nothing':
      return { outcome: 'unchanged', writes: [] };
    case 'create':
      return { outcome: 'created', writes: [await client.insert(step.kind, insertBody(step))] };
    case 'delete':
      return { outcome: 'deleted', writes: [await client.delete(step.kind, step.name)] };
    case 'recreate': {
      const body = insertBody(step);
      const deleted = await client.delete(step.kind, step.name);
      return { outcome: 'recreated', writes: [deleted, await client.insert(step.kind, body)] };
    }
    case 'update': {
      if (step.body === undefined) throw new InvalidStepError(step, 'no request body');
      const method = step.method ?? 'update';
      const fingerprinted = method === 'update' || method === 'patch';
      const body: ComputeBody =
        fingerprinted && step.fingerprint !== undefined
          ? { ...step.body, fingerprint: step.fingerprint }
          : step.body;
      return { outcome: 'updated', writes: [await client[method](step.kind, step.name, body)] };
    }
  }
}

function insertBody(step: PlanStep): ComputeBody {
  if (step.body === undefined) throw new InvalidStepError(step, 'no body to insert');
  const name = step.body.name;
  if (name === undefined) return { ...step.body, name: step.name };
  if (name !== step.name) throw new InvalidStepError(step, `body names ${String(name)}`);
  return step.body;
}
