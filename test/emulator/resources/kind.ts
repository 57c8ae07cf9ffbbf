/**
 * The contract between the generic resource machinery (crud.ts, core.ts) and each resource family:
 * a KindSpec says where a kind lives, what it is called in messages and quotas, and supplies the
 * kind-specific validation, defaults, references and presentation.
 */
import type { Core } from '../core.ts';
import type { Scope } from '../links.ts';
import type { Json } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';

/** What `build` receives about the write it validates. */
export interface BuildContext {
  readonly core: Core;
  readonly project: string;
  readonly scope: Scope;
  readonly name: string;
  /** Canonical path of the resource being written. */
  readonly path: string;
  /** The current record on update/patch; undefined on insert. */
  readonly existing: ResourceRecord | undefined;
}

/** The writable body a kind stores (server fields are added by the generic layer) and its hidden state. */
export interface Built {
  readonly body: Json;
  readonly aux?: Json;
}

/** One resource kind. */
export interface KindSpec {
  /** The discovery resource whose methods serve it: `compute.<resource>.<verb>`. */
  readonly resource: string;
  /** The URL collection segment (also the store key), e.g. `forwardingRules`. */
  readonly collection: string;
  readonly scope: 'global' | 'zone';
  /** `compute#backendService` */
  readonly kind: string;
  /** The discovery schema of its body, e.g. `BackendService`. */
  readonly schema: string;
  /** How in-use messages name it, e.g. `backend_service`. */
  readonly snakeType: string;
  /** The resource-count quota metric it counts against, if any. */
  readonly quotaMetric?: string;
  /** True if update/patch require and check a `fingerprint`. */
  readonly fingerprint: boolean;
  /** True if it carries `labels` and a `labelFingerprint`. */
  readonly labels?: boolean;
  /**
   * Validates an insert (or, with `ctx.existing`, a replacement) body and returns what to store,
   * throwing a ComputeError (400/404/...) for anything GCE would refuse.
   */
  build(input: Json, ctx: BuildContext): Built;
  /** Canonical paths of the resources a stored body depends on (they cannot be deleted meanwhile). */
  references?(body: Json, aux: Json): string[];
  /** The body as GET returns it; defaults to the stored body. */
  present?(record: ResourceRecord, core: Core): Json;
  /** Checks a merge-patched body against what PATCH may change; throws 400 when it may not. */
  checkPatch?(existing: Json, merged: Json): void;
  /** Extra refusals at delete time, beyond references held by other resources. */
  beforeDelete?(record: ResourceRecord, core: Core): void;
  /** Side effects once a delete is committed. */
  afterDelete?(record: ResourceRecord, core: Core): void;
}
