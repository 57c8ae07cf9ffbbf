import type { ComputeBody, ResourceRef } from './gce.ts';

/**
 * How a step changes one resource. `update` names the Compute API method that carries the change
 * (`update`, `patch`, `setUrlMap`, `setSslCertificates`, `setTarget`); `recreate` is delete then
 * insert, for fields GCE cannot change in place.
 */
export type StepOp = 'create' | 'update' | 'recreate' | 'delete' | 'nothing';

/** The Compute API methods an `update` step may call on its resource's collection. */
export type UpdateMethod = 'update' | 'patch' | 'setUrlMap' | 'setSslCertificates' | 'setTarget';

/** One step of a plan: data that can be printed (the dry run) and executed by the applier. */
export interface PlanStep extends ResourceRef {
  readonly op: StepOp;
  /** Why this step is needed, in words for a person reading a dry run ("urlMap: host added"). */
  readonly reason: string;
  /** For create/recreate: the full body to insert. For update: the request body of `method`. */
  readonly body?: ComputeBody;
  /** For update: which method carries the change. */
  readonly method?: UpdateMethod;
  /** For update and delete of a resource that has one: the fingerprint we observed. */
  readonly fingerprint?: string;
  /**
   * The resources this step's resource references, each with a step in the same plan: for a
   * create, what its body references; for an update or recreate, that and what its observed body
   * referenced that the plan deletes; for a delete, what its observed body referenced. A create,
   * update or recreate waits for the non-delete steps it names (their operations DONE first); a
   * delete of R waits for every step that names R. So deletes run in reverse dependency order.
   */
  readonly dependsOn: readonly ResourceRef[];
}

/** A whole plan: every step, including `nothing` steps, so a dry run shows what stays. */
export interface Plan {
  readonly steps: readonly PlanStep[];
}

/** What applying one step did. */
export type StepOutcome = 'created' | 'updated' | 'recreated' | 'deleted' | 'unchanged';

/**
 * Why a plan must not be applied as it is. `NotOwned`: a resource we would create or change
 * exists but carries no ownership marker of this instance and Ingress (a foreign resource, or
 * another Ingress's): we never touch it. `ExternalMissing`: a resource the Ingress names but does
 * not own (static IP, pre-shared certificate) does not exist.
 */
export type PlanProblemCode = 'NotOwned' | 'ExternalMissing';

/** A reason the plan cannot be applied; the controller reports it and retries later. */
export interface PlanProblem extends ResourceRef {
  readonly code: PlanProblemCode;
  readonly message: string;
}

/**
 * A plan with what blocks it. Plans from `plan()` always carry `problems` (often empty); an
 * applier must not execute a plan whose `problems` is non-empty.
 */
export interface CheckedPlan extends Plan {
  readonly problems: readonly PlanProblem[];
}
