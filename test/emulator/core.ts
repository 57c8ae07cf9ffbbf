/**
 * The emulator's engine, independent of HTTP: it owns the state (store, operations, health),
 * the knobs (configuration, rate limits, faults) and the call log, and serves one API call at a
 * time through the same pipeline whether it came alone or inside a batch: log → rate limit →
 * request faults → requestId replay → handler → operation. Resource families plug in as
 * {@link KindSpec}s and method handlers.
 */
import type { Clock } from './clock.ts';
import { CallLog } from './call-log.ts';
import type { EmulatorConfig, LatencySpec } from './config.ts';
import { mergeConfig } from './config.ts';
import {
  ComputeError,
  invalidField,
  notFound,
  notReady,
  quotaExceeded,
  rateLimitExceeded,
} from './errors.ts';
import { FaultInjector } from './faults.ts';
import { HealthRegistry } from './health.ts';
import { IpAllocator } from './ip.ts';
import type { ResourcePath, Scope } from './links.ts';
import { Linker, parseReference, resourcePath } from './links.ts';
import type { OperationFate, OperationRecord } from './operations.ts';
import { Operations } from './operations.ts';
import { seededRandom } from './random.ts';
import { RateLimiter, rateGroupOf } from './rate-limit.ts';
import type { KindSpec } from './resources/kind.ts';
import type { Json } from './schema.ts';
import type { ResourceRecord } from './store.ts';
import { Store } from './store.ts';

/** One API call, after routing. */
export interface ApiCall {
  /** Discovery method id, e.g. `compute.backendServices.insert`. */
  readonly methodId: string;
  /** Path parameters by their discovery names (`project`, `zone`, `backendService`...). */
  readonly params: Readonly<Record<string, string>>;
  /** The resource-name path parameter (the last one that is not project/zone/region), if any. */
  readonly resourceName: string | undefined;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

/** What a handler answers: an HTTP status and a JSON body (none for 204). */
export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
}

/** Serves one method. Throws ComputeError for API errors. */
export type Handler = (call: ApiCall, core: Core) => ApiResult | Promise<ApiResult>;

/** A call as the transport hands it over (`methodId` undefined when no route matched). */
export interface IncomingCall {
  readonly methodId: string | undefined;
  readonly httpMethod: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly resourceName: string | undefined;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** A body that could not be parsed is refused with this error once the call is counted. */
  readonly bodyError?: ComputeError | undefined;
  readonly batched?: boolean;
}

/** The transport's instructions: answer `status`/`body`, or destroy the connection when `drop`. */
export interface Outgoing {
  readonly status: number;
  readonly body?: unknown;
  readonly drop: boolean;
}

/** How a mutation changes state once its operation reaches DONE. */
export interface Effect {
  /** Applies the change; may throw a ComputeError to fail the operation instead. */
  commit(): void;
  /** Undoes what was reserved at accept time when the operation fails. */
  rollback?(): void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The engine. Construct through `createCore` in emulator.ts, which registers every resource family. */
export class Core {
  #config: EmulatorConfig;
  #startConfig: EmulatorConfig;
  readonly clock: Clock;
  readonly store = new Store(() => this.invalidateReferences());
  readonly health = new HealthRegistry();
  readonly calls = new CallLog();
  readonly ips = new IpAllocator();
  readonly rate: RateLimiter;
  readonly faults: FaultInjector;
  readonly ops: Operations;
  #linker: Linker;
  #random: () => number;
  #specs = new Map<string, KindSpec>();
  #handlers = new Map<string, Handler>();
  #requestIds = new Map<string, OperationRecord>();
  #seeders: ((core: Core) => void)[] = [];
  #refIndex: Map<string, ResourceRecord[]> | undefined;

  constructor(config: EmulatorConfig, clock: Clock) {
    this.#config = config;
    this.#startConfig = config;
    this.clock = clock;
    this.#linker = new Linker(config.linkBase);
    this.#random = seededRandom(config.seed);
    this.rate = new RateLimiter(clock, () => this.#config.rateLimits);
    this.faults = new FaultInjector(() => this.#random());
    this.faults.setRules(config.faults);
    this.ops = new Operations(
      clock,
      (p) => this.link(p),
      () => this.store.nextId(),
    );
  }

  /** The current configuration. */
  get config(): EmulatorConfig {
    return this.#config;
  }

  /**
   * Applies a partial configuration (see `mergeConfig`); throws ConfigError if invalid. With
   * `asStart`, the result also becomes what {@link Core.reset} with `config` returns to.
   */
  updateConfig(patch: unknown, asStart = false): EmulatorConfig {
    const next = mergeConfig(this.#config, patch);
    this.#apply(next);
    if (asStart) this.#startConfig = next;
    return next;
  }

  #apply(next: EmulatorConfig): void {
    if (next.seed !== this.#config.seed) this.#random = seededRandom(next.seed);
    if (next.faults !== this.#config.faults) this.faults.setRules(next.faults);
    this.#config = next;
    this.#linker = new Linker(next.linkBase);
  }

  /** Registers a resource kind. */
  registerKind(spec: KindSpec): void {
    this.#specs.set(spec.collection, spec);
  }

  /** Registers method handlers by method id. */
  registerHandlers(handlers: Readonly<Record<string, Handler>>): void {
    for (const [id, h] of Object.entries(handlers)) this.#handlers.set(id, h);
  }

  /** Registers a function that puts initial resources in place (run now and after every reset). */
  registerSeeder(seed: (core: Core) => void): void {
    this.#seeders.push(seed);
    seed(this);
  }

  /** The kind stored under a collection name. */
  specFor(collection: string): KindSpec | undefined {
    return this.#specs.get(collection);
  }

  /** True if a handler serves `methodId`. */
  serves(methodId: string): boolean {
    return this.#handlers.has(methodId);
  }

  /** Now, by the emulator's clock. */
  now(): number {
    return this.clock.now();
  }

  /** The full URL of a canonical path. */
  link(path: string): string {
    return this.#linker.link(path);
  }

  /** A draw in [0, 1) from the seeded generator. */
  random(): number {
    return this.#random();
  }

  /**
   * Forgets every resource, operation, call, health state and rate window, restarts the random
   * sequence from the seed, then re-seeds resources; with `config`, also returns to the
   * configuration the emulator started with.
   */
  reset(opts: { config?: boolean } = {}): void {
    if (opts.config) this.#apply(this.#startConfig);
    this.#random = seededRandom(this.#config.seed);
    this.ops.clear();
    this.store.clear();
    this.health.clear();
    this.calls.clear();
    this.rate.clear();
    this.ips.clear();
    this.#requestIds.clear();
    this.faults.setRules(this.#config.faults);
    for (const seed of this.#seeders) seed(this);
  }

  // ---- serving -------------------------------------------------------------------------------

  /**
   * Serves one call end to end and logs it. Never throws for API errors: they become the
   * returned status and Google's error body.
   */
  async serve(call: IncomingCall): Promise<Outgoing> {
    const at = new Date(this.now()).toISOString();
    const out = await this.#serve(call);
    this.calls.record({
      method: call.methodId ?? 'unknown',
      status: out.status,
      at,
      httpMethod: call.httpMethod,
      path: call.path,
      ...(out.drop ? { dropped: true as const } : {}),
      ...(call.batched ? { batched: true as const } : {}),
    });
    return out;
  }

  async #serve(call: IncomingCall): Promise<Outgoing> {
    const fail = (err: ComputeError): Outgoing => ({ status: err.code, body: err.toBody(), drop: false });
    if (!call.methodId || !this.#handlers.has(call.methodId)) {
      return fail(
        new ComputeError({
          code: 404,
          reason: 'notFound',
          message: `The requested URL ${call.path} was not found on this server.`,
        }),
      );
    }
    const methodId = call.methodId;
    const { admitted, group } = this.rate.admit(methodId);
    if (!admitted) {
      const label = {
        mutations: 'Queries',
        reads: 'Read requests',
        lists: 'List requests',
        operationReads: 'Operation read requests',
      }[group];
      return fail(rateLimitExceeded(label, this.#config.projectNumber, this.#config.rateLimitStatus));
    }
    const fault = this.faults.pick(methodId, 'request');
    if (fault?.action === 'error')
      return fail(this.#faultError(fault.status ?? 503, fault.reason, fault.message));
    if (call.bodyError) return fail(call.bodyError);
    let result: ApiResult;
    try {
      result = await this.execute({
        methodId,
        params: call.params,
        resourceName: call.resourceName,
        query: call.query,
        body: call.body,
      });
    } catch (err) {
      if (!(err instanceof ComputeError)) throw err;
      result = { status: err.code, body: err.toBody() };
    }
    if (fault?.action === 'errorAfterApply')
      return fail(this.#faultError(fault.status ?? 503, fault.reason, fault.message));
    return { status: result.status, body: result.body, drop: fault?.action === 'drop' };
  }

  #faultError(status: number, reason?: string, message?: string): ComputeError {
    if (status === 429) {
      return new ComputeError({
        code: 429,
        reason: reason ?? 'rateLimitExceeded',
        domain: 'usageLimits',
        message: message ?? 'Rate Limit Exceeded',
      });
    }
    return new ComputeError({
      code: status,
      reason: reason ?? (status >= 500 ? 'backendError' : 'invalid'),
      message:
        message ??
        (status === 503 ? 'The service is currently unavailable.' : 'Internal error. Please try again.'),
    });
  }

  /**
   * Runs a routed call's handler after the checks every method shares: the project must be ours,
   * the zone must exist, and a mutation's `requestId` must be a non-zero UUID; a requestId seen
   * before returns the operation it created, without doing anything again.
   */
  async execute(call: ApiCall): Promise<ApiResult> {
    this.invalidateReferences();
    const handler = this.#handlers.get(call.methodId);
    if (!handler) throw notFound(call.methodId);
    const project = call.params.project;
    if (project !== undefined && project !== this.#config.project && project !== this.#config.projectNumber) {
      throw notFound(`projects/${project}`);
    }
    if (call.params.zone !== undefined) this.checkZone(call.params.zone);
    const requestId = call.query.get('requestId');
    const isMutation = rateGroupOf(call.methodId) === 'mutations';
    if (isMutation && requestId !== null) {
      if (!UUID_RE.test(requestId) || /^[0-]+$/.test(requestId)) {
        throw invalidField('requestId', requestId, 'Must be a valid UUID other than the zero UUID.');
      }
      const previous = this.#requestIds.get(requestId);
      if (previous) return { status: 200, body: previous.body };
    }
    const normalized: ApiCall =
      project === this.#config.projectNumber
        ? { ...call, params: { ...call.params, project: this.#config.project } }
        : call;
    const result = await handler(normalized, this);
    if (isMutation && requestId !== null) {
      const op = this.#operationOf(result.body);
      if (op) this.#requestIds.set(requestId, op);
    }
    return result;
  }

  #operationOf(body: unknown): OperationRecord | undefined {
    if (!body || typeof body !== 'object' || (body as Json).kind !== 'compute#operation') return undefined;
    const link = String((body as Json).selfLink);
    const ref = parseReference(link, { project: this.#config.project });
    return ref ? this.ops.get(ref.project, ref.scope, ref.name) : undefined;
  }

  /** Throws 404 unless `zone` is one of the configured zones. */
  checkZone(zone: string): void {
    if (!this.#config.zones.includes(zone)) throw notFound(`projects/${this.#config.project}/zones/${zone}`);
  }

  // ---- helpers for resource families ----------------------------------------------------------

  /**
   * Resolves a reference field to the record it names. Throws 400 `invalid` for a malformed
   * reference or one to the wrong collection, 404 when the resource does not exist, and 400
   * `resourceNotReady` while it is still being created or deleted.
   */
  resolve(
    field: string,
    value: unknown,
    opts: {
      readonly collections: readonly string[];
      readonly project: string;
      readonly scope?: Scope;
      readonly fullUrlOnly?: boolean;
      readonly bareName?: boolean;
    },
  ): ResourceRecord {
    if (typeof value !== 'string' || value === '') throw invalidField(field, value, 'The URL is malformed.');
    if (opts.fullUrlOnly && !/^https?:\/\//.test(value)) {
      throw invalidField(
        field,
        value,
        'Must be a fully-qualified URL starting with https://www.googleapis.com/.',
      );
    }
    const ref = parseReference(value, {
      project: opts.project,
      ...(opts.bareName ? { collection: opts.collections[0] as string } : {}),
      ...(opts.scope ? { scope: opts.scope } : {}),
    });
    if (!ref) throw invalidField(field, value, 'The URL is malformed.');
    if (!opts.collections.includes(ref.collection)) {
      throw invalidField(
        field,
        value,
        `Unexpected resource collection '${ref.collection}'; expected ${opts.collections.join(' or ')}.`,
      );
    }
    return this.requireReady(ref);
  }

  /** The record at a parsed path if it exists and is ready (404 / 400 resourceNotReady otherwise). */
  requireReady(ref: ResourcePath): ResourceRecord {
    const path = resourcePath(ref);
    const record = ref.project === this.#config.project ? this.store.getByPath(path) : undefined;
    if (!record) throw notFound(path);
    if (record.state !== 'ready') throw notReady(path);
    return record;
  }

  /** Every other record whose committed or pending body references `path`. */
  users(path: string): ResourceRecord[] {
    return (this.#referenceIndex().get(path) ?? []).filter((r) => r.path !== path);
  }

  /**
   * Who references whom, built on demand and kept until the next change: a list of a few hundred
   * backend services each showing `usedBy` would otherwise rescan the whole store per item.
   */
  #referenceIndex(): Map<string, ResourceRecord[]> {
    if (this.#refIndex) return this.#refIndex;
    const index = new Map<string, ResourceRecord[]>();
    for (const r of this.store.all()) {
      const spec = this.#specs.get(r.collection);
      if (!spec?.references) continue;
      const refs = new Set(spec.references(r.body, r.aux));
      if (r.pending) for (const p of spec.references(r.pending.body, r.pending.aux)) refs.add(p);
      for (const p of refs) {
        const list = index.get(p);
        if (list) list.push(r);
        else index.set(p, [r]);
      }
    }
    this.#refIndex = index;
    return index;
  }

  /** Drops the reference index; called whenever a body, a pending change or the store changes. */
  invalidateReferences(): void {
    this.#refIndex = undefined;
  }

  /** Throws 400 `resourceNotReady` if the record has a mutation in flight. */
  assertIdle(record: ResourceRecord): void {
    if (record.pending || record.state !== 'ready') throw notReady(record.path);
  }

  /** Throws (or returns, for delivery in the operation) 403 `quotaExceeded` if one more `spec` would exceed its quota. */
  quotaCheck(spec: KindSpec, project: string): ComputeError | undefined {
    if (!spec.quotaMetric) return undefined;
    const limit = this.#config.quotas[spec.quotaMetric];
    if (limit === undefined) return undefined;
    const used = this.store.listAcrossScopes(project, spec.collection).length;
    if (used < limit) return undefined;
    const err = quotaExceeded(spec.quotaMetric, limit);
    if (this.#config.quotaFailure === 'sync') throw err;
    return err;
  }

  /** How many resources of a quota metric exist. */
  quotaUsage(metric: string, project: string): number {
    let n = 0;
    for (const spec of this.#specs.values()) {
      if (spec.quotaMetric === metric) n += this.store.listAcrossScopes(project, spec.collection).length;
    }
    return n;
  }

  /** The latency of the next operation of `methodId`, drawn from its configured distribution. */
  latencyFor(methodId: string): number {
    const spec: LatencySpec = this.#config.methodLatency[methodId] ?? this.#config.opLatency;
    if (typeof spec === 'number') return spec;
    if ('fixedMs' in spec) return spec.fixedMs;
    if ('minMs' in spec) return spec.minMs + this.random() * (spec.maxMs - spec.minMs);
    const drawn = -spec.meanMs * Math.log(1 - this.random());
    return spec.maxMs === undefined ? drawn : Math.min(drawn, spec.maxMs);
  }

  /**
   * Starts the operation of a mutation of `target`: marks it busy with `pending`, applies
   * operation faults (`operationFail`, `operationHang`), and commits `effect` at DONE (or rolls it
   * back when the operation fails, with `failure` if given). Returns the Operation response.
   */
  mutate(
    call: ApiCall,
    target: ResourceRecord,
    operationType: string,
    pending: { body: Json; aux: Json },
    effect: Effect,
    failure?: ComputeError,
  ): ApiResult {
    let fate: OperationFate = failure ?? 'succeed';
    const fault = this.faults.pick(call.methodId, 'operation');
    if (fault?.action === 'operationHang') fate = 'hang';
    if (fault?.action === 'operationFail') {
      fate = new ComputeError({
        code: fault.status ?? 500,
        reason: fault.reason ?? 'internalError',
        message: fault.message ?? 'Internal error. Please try again or contact Google Support.',
      });
    }
    target.pending = pending;
    this.invalidateReferences();
    const op = this.ops.start({
      project: target.project,
      scope: target.scope.kind === 'zone' ? target.scope : { kind: 'global' },
      operationType,
      targetPath: target.path,
      targetId: target.id,
      requestId: call.query.get('requestId') ?? undefined,
      latencyMs: this.latencyFor(call.methodId),
      fate,
      commit: () => {
        effect.commit();
        target.pending = undefined;
        this.invalidateReferences();
      },
      rollback: () => {
        target.pending = undefined;
        effect.rollback?.();
        this.invalidateReferences();
      },
    });
    return { status: 200, body: op.body };
  }
}
