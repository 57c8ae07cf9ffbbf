/**
 * Asynchronous operations. Every mutation returns an Operation that goes PENDING → RUNNING → DONE
 * by the injected clock; the mutation's effect is committed when it reaches DONE (or is rolled
 * back if the operation fails), so latency is observable exactly as with the real API. An
 * operation can also be told to hang in RUNNING until released.
 */
import { createHash } from 'node:crypto';
import type { Clock, TimerHandle } from './clock.ts';
import { ComputeError } from './errors.ts';
import type { Scope } from './links.ts';
import { collectionPath } from './links.ts';
import type { Json } from './schema.ts';
import { gceTimestamp } from './timestamps.ts';

/** How an operation will end. */
export type OperationFate = 'succeed' | 'hang' | ComputeError;

/** What a mutation hands to {@link Operations.start}. */
export interface StartOperation {
  readonly project: string;
  /** Global operations for global resources, zonal ones for zonal resources. */
  readonly scope: Scope;
  readonly operationType: string;
  readonly targetPath: string;
  readonly targetId: string;
  readonly requestId?: string | undefined;
  readonly latencyMs: number;
  readonly fate: OperationFate;
  /** Applies the mutation; may throw a ComputeError, which fails the operation instead. */
  readonly commit: () => void;
  /** Undoes whatever was reserved at accept time; runs when the operation fails. */
  readonly rollback: () => void;
}

/** A live operation. */
export interface OperationRecord {
  readonly name: string;
  readonly path: string;
  readonly project: string;
  readonly scope: Scope;
  body: Json;
  readonly requestId: string | undefined;
  /** Internal: what finishing will do (absent once DONE). */
  finish?: (() => void) | undefined;
  hung: boolean;
  readonly waiters: Set<() => void>;
  readonly timers: TimerHandle[];
}

/** Owns every operation: creation, the clock-driven state machine, lookup, wait and release. */
export class Operations {
  readonly #clock: Clock;
  readonly #link: (path: string) => string;
  readonly #nextId: () => string;
  #ops = new Map<string, OperationRecord>();
  #counter = 0;

  /** `link` renders a canonical path as a URL; `nextId` hands out operation ids. */
  constructor(clock: Clock, link: (path: string) => string, nextId: () => string) {
    this.#clock = clock;
    this.#link = link;
    this.#nextId = nextId;
  }

  /**
   * Creates an operation. With zero latency (and no hang) it is DONE, committed or failed, before
   * this returns; otherwise it is PENDING and advances by the clock: RUNNING at half the latency,
   * DONE at the full latency.
   */
  start(spec: StartOperation): OperationRecord {
    const now = this.#clock.now();
    this.#counter += 1;
    const hash = createHash('sha256').update(`${spec.project}:${this.#counter}`).digest('hex');
    const name = `operation-${now}-${hash.slice(0, 13)}-${hash.slice(13, 21)}-${hash.slice(21, 29)}`;
    const path = `${collectionPath(spec.project, spec.scope, 'operations')}/${name}`;
    const body: Json = {
      kind: 'compute#operation',
      id: this.#nextId(),
      name,
      operationType: spec.operationType,
      targetLink: this.#link(spec.targetPath),
      targetId: spec.targetId,
      status: 'PENDING',
      user: `emulator@${spec.project}.iam.gserviceaccount.com`,
      progress: 0,
      insertTime: gceTimestamp(now),
      selfLink: this.#link(path),
    };
    if (spec.scope.kind === 'zone')
      body.zone = this.#link(`projects/${spec.project}/zones/${spec.scope.zone}`);
    if (spec.requestId) body.clientOperationId = spec.requestId;
    const op: OperationRecord = {
      name,
      path,
      project: spec.project,
      scope: spec.scope,
      body,
      requestId: spec.requestId,
      hung: false,
      waiters: new Set(),
      timers: [],
    };
    op.finish = () => this.#finish(op, spec);
    this.#ops.set(path, op);
    if (spec.fate === 'hang') {
      op.hung = true;
      this.#run(op);
    } else if (spec.latencyMs <= 0) {
      this.#run(op);
      op.finish();
    } else {
      op.timers.push(this.#clock.setTimeout(() => this.#run(op), spec.latencyMs / 2));
      op.timers.push(this.#clock.setTimeout(() => op.finish?.(), spec.latencyMs));
    }
    return op;
  }

  #run(op: OperationRecord): void {
    if (op.body.status !== 'PENDING') return;
    op.body = { ...op.body, status: 'RUNNING', progress: 50, startTime: gceTimestamp(this.#clock.now()) };
  }

  #finish(op: OperationRecord, spec: StartOperation): void {
    op.finish = undefined;
    this.#run(op);
    let failure: ComputeError | undefined = spec.fate instanceof ComputeError ? spec.fate : undefined;
    if (!failure) {
      try {
        spec.commit();
      } catch (err) {
        if (!(err instanceof ComputeError)) throw err;
        failure = err;
      }
    }
    const done: Json = {
      ...op.body,
      status: 'DONE',
      progress: 100,
      endTime: gceTimestamp(this.#clock.now()),
    };
    if (failure) {
      spec.rollback();
      Object.assign(done, failure.toOperationFailure());
    }
    op.body = done;
    op.hung = false;
    for (const t of op.timers) this.#clock.clearTimeout(t);
    for (const w of op.waiters) w();
    op.waiters.clear();
  }

  /** The operation at a scope and name, or undefined. */
  get(project: string, scope: Scope, name: string): OperationRecord | undefined {
    return this.#ops.get(`${collectionPath(project, scope, 'operations')}/${name}`);
  }

  /** Operations of one scope (global, or one zone), oldest first. */
  list(project: string, scope: Scope): OperationRecord[] {
    const prefix = collectionPath(project, scope, 'operations') + '/';
    return [...this.#ops.values()].filter((o) => o.path.startsWith(prefix));
  }

  /** Every operation of a project, across scopes. */
  all(project?: string): OperationRecord[] {
    return [...this.#ops.values()].filter((o) => project === undefined || o.project === project);
  }

  /** Forgets an operation (its effect, if still pending, still happens). */
  delete(op: OperationRecord): void {
    this.#ops.delete(op.path);
  }

  /** Resolves once `op` is DONE or `timeoutMs` of clock time has passed, whichever is first. */
  wait(op: OperationRecord, timeoutMs: number): Promise<void> {
    if (op.body.status === 'DONE') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        op.waiters.delete(done);
        resolve();
      }, timeoutMs);
      const done = () => {
        this.#clock.clearTimeout(timer);
        resolve();
      };
      op.waiters.add(done);
    });
  }

  /** Finishes hung operations now (all of them, or the one named); returns how many were released. */
  release(name?: string): number {
    let n = 0;
    for (const op of this.#ops.values()) {
      if (op.hung && op.finish && (name === undefined || op.name === name)) {
        op.finish();
        n += 1;
      }
    }
    return n;
  }

  /** Cancels every timer and forgets every operation; waiters are resolved. */
  clear(): void {
    for (const op of this.#ops.values()) {
      for (const t of op.timers) this.#clock.clearTimeout(t);
      for (const w of op.waiters) w();
    }
    this.#ops.clear();
  }
}
