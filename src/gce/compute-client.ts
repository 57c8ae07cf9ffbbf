import { randomUUID } from 'node:crypto';
import { compute } from '@googleapis/compute';
import type { compute_v1 } from '@googleapis/compute';
import type { ComputeBody, ObservedResource, ResourceKind } from '../model/gce.ts';
import { revealSecrets } from '../model/secret-value.ts';
import { ownerKey, parseOwnership } from '../naming/ownership.ts';
import { unlimitedBudget } from './budget.ts';
import type { RequestBudget } from './budget.ts';
import { retryDelay, sendOnce, withRetries } from './call-layer.ts';
import type { CallContext, CallLogHook, LibraryResponse } from './call-layer.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { COLLECTIONS, groupOf, methodId } from './collections.ts';
import type { CollectionSpec, Verb } from './collections.ts';
import { createTokenSource } from './credentials.ts';
import type { GceCredentials, TokenSource } from './credentials.ts';
import { GceError, InvalidError } from './errors.ts';
import type { BackendGroupHealth, GceClient, WriteResult } from './gce-client.ts';
import { waitForOperation } from './operations.ts';
import type { Operation, OperationCall, OperationWaitOptions } from './operations.ts';
import { ResourceCache } from './resource-cache.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { SingleFlight } from './single-flight.ts';

/** The public Compute endpoint; `--gce-endpoint` replaces it (only its origin is used). */
export const DEFAULT_GCE_ENDPOINT = 'https://compute.googleapis.com/';

/** Everything `createGceClient` needs; filled once by the options module. */
export interface GceClientOptions {
  readonly project: string;
  readonly credentials: GceCredentials;
  /** `--gce-endpoint`: the API root (scheme, host, port); default the public endpoint. */
  readonly endpoint?: string;
  /** Our resources' name prefix: observe lists only names starting with it ('' lists all). */
  readonly namePrefix: string;
  /** The request budget shared with everything else that calls GCE; default unlimited. */
  readonly budget?: RequestBudget;
  readonly clock?: Clock;
  /** [0, 1) source for back-off jitter; default Math.random. */
  readonly random?: () => number;
  /** UUIDs for `requestId`; default crypto.randomUUID. */
  readonly newRequestId?: () => string;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request HTTP timeout (operation waits use their own). Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Operations: `wait` (default) or `get` polling, deadline (default 5 min), min poll interval (default 1 s). */
  readonly operations?: Partial<OperationWaitOptions>;
  /** How long observed state is trusted before a list again (drift detection). Default 10 min. */
  readonly cacheTtlMs?: number;
  /** `maxResults` per list page (1-500). Default 500. */
  readonly pageSize?: number;
  /** Receives every HTTP attempt, for metrics. */
  readonly onCall?: CallLogHook;
  /** Replaces the token source built from `credentials` (tests). */
  readonly tokenSource?: TokenSource;
}

type LibraryMethod = (
  params: Record<string, unknown>,
  options: Record<string, unknown>,
) => Promise<LibraryResponse<unknown>>;

/**
 * Builds the GCE client. Nothing is sent until a method is called (ADC is resolved on first use).
 * The library's own retries are switched off: gaxios would re-send GET/PUT/DELETE on 5xx and 429
 * behind our back, spending budget unseen and re-sending a PUT whose first copy may have been
 * applied; all retries happen in our layer. The token is sent as a header per request instead of
 * handing an auth client to the library, whose request path re-sends on 401/403 after a refresh.
 * Throws RangeError on an invalid endpoint or page size.
 */
export function createGceClient(options: GceClientOptions): GceClient {
  return new ComputeClient(options);
}

class ComputeClient implements GceClient {
  readonly project: string;
  readonly #api: compute_v1.Compute;
  readonly #ctx: CallContext;
  readonly #newRequestId: () => string;
  readonly #requestTimeoutMs: number;
  readonly #wait: OperationWaitOptions;
  readonly #cache: ResourceCache;
  readonly #prefix: string;
  readonly #pageSize: number;
  readonly #flights = new SingleFlight<unknown>();

  constructor(o: GceClientOptions) {
    const endpoint = o.endpoint ?? DEFAULT_GCE_ENDPOINT;
    if (!URL.canParse(endpoint)) throw new RangeError(`invalid GCE endpoint ${JSON.stringify(endpoint)}`);
    this.#pageSize = o.pageSize ?? 500;
    if (!(Number.isInteger(this.#pageSize) && this.#pageSize >= 1 && this.#pageSize <= 500)) {
      throw new RangeError('pageSize must be an integer in 1..500');
    }
    this.project = o.project;
    this.#api = compute({
      version: 'v1',
      rootUrl: new URL(endpoint).origin + '/',
      retry: false,
      retryConfig: { retry: 0, noResponseRetries: 0 },
    });
    const tokens = o.tokenSource ?? createTokenSource(o.credentials);
    const clock = o.clock ?? systemClock;
    this.#ctx = {
      clock,
      budget: o.budget ?? unlimitedBudget,
      retry: { ...DEFAULT_RETRY_POLICY, ...o.retry },
      random: o.random ?? Math.random,
      onCall: o.onCall,
      authHeaders: async (): Promise<Record<string, string>> => {
        const token = await tokens.token();
        return token === undefined ? {} : { Authorization: `Bearer ${token}` };
      },
    };
    this.#newRequestId = o.newRequestId ?? randomUUID;
    this.#requestTimeoutMs = o.requestTimeoutMs ?? 60_000;
    this.#wait = { mode: 'wait', timeoutMs: 5 * 60_000, pollIntervalMs: 1000, ...o.operations };
    this.#prefix = o.namePrefix;
    this.#cache = new ResourceCache(
      clock,
      o.cacheTtlMs ?? 10 * 60_000,
      (name) => name.startsWith(o.namePrefix),
      (r) => {
        const owner = parseOwnership(r.body.description);
        return owner && ownerKey(owner);
      },
    );
  }

  async observe(
    kinds: readonly ResourceKind[],
    options: { readonly refresh?: boolean; readonly owner?: string } = {},
  ): Promise<ObservedResource[]> {
    const perKind = await Promise.all(
      [...new Set(kinds)].map((k) => this.#observeKind(k, options.refresh ?? false, options.owner)),
    );
    return perKind.flat();
  }

  refresh(kind?: ResourceKind): void {
    this.#cache.invalidate(kind);
  }

  async get(
    kind: ResourceKind,
    name: string,
    options: { readonly fresh?: boolean } = {},
  ): Promise<ObservedResource | undefined> {
    if (!options.fresh) {
      const answer = this.#cache.lookup(kind, name);
      if (answer.known) return answer.resource;
    }
    return this.#read(kind, name);
  }

  async list(
    kind: ResourceKind,
    options: { readonly filter?: string; readonly maxResults?: number } = {},
  ): Promise<ObservedResource[]> {
    const spec = this.#spec(kind, 'list');
    const method = methodId(spec.collection, 'list');
    const out: ObservedResource[] = [];
    let pageToken: string | undefined;
    do {
      const params: Record<string, unknown> = {
        project: this.project,
        maxResults: options.maxResults ?? this.#pageSize,
        ...(options.filter ? { filter: options.filter } : {}),
        ...(pageToken ? { pageToken } : {}),
      };
      const page = (await withRetries(this.#ctx, method, (n) =>
        sendOnce(this.#ctx, method, 'read', n, (headers) => this.#invoke(spec, 'list', params, headers)),
      )) as { items?: Record<string, unknown>[] | null; nextPageToken?: string | null };
      for (const item of page.items ?? []) out.push(toObserved(kind, item));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  insert(kind: ResourceKind, body: ComputeBody): Promise<WriteResult> {
    const name = typeof body.name === 'string' ? body.name : '';
    // Private keys travel as SecretValues that print as [redacted]; only the wire sees them.
    return this.#mutate(kind, 'insert', name, { requestBody: revealSecrets(body) }, body);
  }

  update(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#mutate(kind, 'update', name, { requestBody: body });
  }

  patch(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#mutate(kind, 'patch', name, { requestBody: body });
  }

  delete(kind: ResourceKind, name: string): Promise<WriteResult> {
    return this.#mutate(kind, 'delete', name, {});
  }

  setUrlMap(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#mutate(kind, 'setUrlMap', name, { requestBody: body });
  }

  setSslCertificates(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#mutate(kind, 'setSslCertificates', name, { requestBody: body });
  }

  setTarget(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#mutate(kind, 'setTarget', name, { requestBody: body });
  }

  async getHealth(backendService: string, group: string): Promise<BackendGroupHealth> {
    const spec = this.#spec('backendServices', 'getHealth');
    const method = methodId(spec.collection, 'getHealth');
    const params = { project: this.project, backendService, requestBody: { group } };
    return (await withRetries(this.#ctx, method, (n) =>
      sendOnce(this.#ctx, method, 'read', n, (headers) => this.#invoke(spec, 'getHealth', params, headers)),
    )) as BackendGroupHealth;
  }

  async #observeKind(kind: ResourceKind, refresh: boolean, owner?: string): Promise<ObservedResource[]> {
    if (refresh || !this.#cache.isListFresh(kind)) {
      await this.#flights.run(`list/${kind}`, async () => {
        const token = this.#cache.beginRead();
        const filter = this.#prefix === '' ? undefined : `name eq ${escapeRegex(this.#prefix)}.*`;
        this.#cache.completeList(kind, token, await this.list(kind, { filter }));
      });
    }
    const stale = this.#cache.staleNames(kind).filter((n) => this.#cache.covers(n));
    await Promise.all(stale.map((n) => this.#read(kind, n)));
    return owner === undefined ? this.#cache.snapshot(kind) : this.#cache.snapshotOwned(kind, owner);
  }

  /** A GET that records its answer in the cache; concurrent reads of one name share one request. */
  #read(kind: ResourceKind, name: string): Promise<ObservedResource | undefined> {
    return this.#flights.run(`get/${kind}/${name}`, async () => {
      const spec = this.#spec(kind, 'get');
      const method = methodId(spec.collection, 'get');
      const params = { project: this.project, [spec.nameParam]: name };
      const token = this.#cache.beginRead();
      try {
        const body = await withRetries(this.#ctx, method, (n) =>
          sendOnce(this.#ctx, method, 'read', n, (headers) => this.#invoke(spec, 'get', params, headers)),
        );
        const resource = toObserved(kind, body as Record<string, unknown>);
        this.#cache.put(resource, token);
        return resource;
      } catch (err) {
        if (err instanceof GceError && err.kind === 'notFound') {
          this.#cache.putAbsent(kind, name, token);
          return undefined;
        }
        throw err;
      }
    }) as Promise<ObservedResource | undefined>;
  }

  /**
   * One mutation: send with a requestId, wait for the operation, retry what is retryable. A
   * retry after an HTTP-level failure reuses the requestId, so GCE returns the first request's
   * operation if that one arrived (a lost response is not a duplicate write). A retry after an
   * operation finished with a retryable error needs a new requestId, because the old one would
   * only return the same failed operation. Whatever happens, the cache forgets the body.
   */
  async #mutate(
    kind: ResourceKind,
    verb: Verb,
    name: string,
    extra: Record<string, unknown>,
    inserted?: ComputeBody,
  ): Promise<WriteResult> {
    const spec = this.#spec(kind, verb);
    const method = methodId(spec.collection, verb);
    let gone = false;
    try {
      const result = await this.#mutateWithRetries(kind, spec, verb, name, extra, method, inserted);
      gone = verb === 'delete';
      return result;
    } finally {
      if (gone) this.#cache.markAbsent(kind, name);
      else this.#cache.markStale(kind, name);
    }
  }

  async #mutateWithRetries(
    kind: ResourceKind,
    spec: CollectionSpec,
    verb: Verb,
    name: string,
    extra: Record<string, unknown>,
    method: string,
    inserted: ComputeBody | undefined,
  ): Promise<WriteResult> {
    const ctx = this.#ctx;
    let requestId = this.#newRequestId();
    let outcomeUnknown = false;
    for (let n = 1; ; n++) {
      const params = {
        project: this.project,
        requestId,
        ...(verb === 'insert' ? {} : { [spec.nameParam]: name }),
        ...extra,
      };
      let op: Operation;
      try {
        op = (await sendOnce(ctx, method, groupOf(verb), n, (headers) =>
          this.#invoke(spec, verb, params, headers),
        )) as Operation;
      } catch (err) {
        const e = err as GceError;
        const settled = await this.#settle(kind, verb, name, e, outcomeUnknown, inserted, method);
        if (settled) return settled;
        if (e.kind === 'transient') outcomeUnknown = true;
        if (!e.retryable || n >= ctx.retry.maxAttempts) throw e;
        await ctx.clock.sleep(retryDelay(ctx, n, e));
        continue;
      }
      try {
        return {
          method,
          operation: await waitForOperation(ctx, this.#operationCall, op, method, this.#wait),
        };
      } catch (err) {
        // A wait that failed or timed out leaves the outcome unknown: the caller re-observes.
        if (!(err instanceof GceError) || !err.fromOperation) throw err;
        const settled = await this.#settle(kind, verb, name, err, outcomeUnknown, inserted, method);
        if (settled) return settled;
        if (!err.retryable || n >= ctx.retry.maxAttempts) throw err;
        requestId = this.#newRequestId();
        await ctx.clock.sleep(retryDelay(ctx, n, err));
      }
    }
  }

  /** The failures that are really successes: 404 on delete; 409 on a re-sent insert that is ours. */
  async #settle(
    kind: ResourceKind,
    verb: Verb,
    name: string,
    e: GceError,
    outcomeUnknown: boolean,
    inserted: ComputeBody | undefined,
    method: string,
  ): Promise<WriteResult | undefined> {
    if (verb === 'delete' && e.kind === 'notFound') return { method, settled: 'alreadyAbsent' };
    if (verb === 'insert' && e.kind === 'alreadyExists' && outcomeUnknown) {
      const existing = await this.#read(kind, name);
      // The description carries our ownership marker: a resource with another one is not ours.
      if (existing && existing.body.description === inserted?.description) {
        return { method, settled: 'existedAfterLostResponse' };
      }
    }
    return undefined;
  }

  readonly #operationCall: OperationCall = (verb, scope, operation, timeoutMs, headers) => {
    const collection = scope.zone === undefined ? 'globalOperations' : 'zoneOperations';
    const params = {
      project: this.project,
      operation,
      ...(scope.zone === undefined ? {} : { zone: scope.zone }),
    };
    return this.#library(collection, verb)(params, { headers, timeout: timeoutMs, retry: false }) as Promise<
      LibraryResponse<Operation>
    >;
  };

  #invoke(
    spec: CollectionSpec,
    verb: Verb,
    params: Record<string, unknown>,
    headers: Readonly<Record<string, string>>,
  ): Promise<LibraryResponse<unknown>> {
    return this.#library(spec.collection, verb)(params, {
      headers,
      timeout: this.#requestTimeoutMs,
      retry: false,
    });
  }

  /** The library method, bound to its resource object (the generated methods use `this`). */
  #library(collection: string, verb: string): LibraryMethod {
    const resource = (this.#api as unknown as Record<string, Record<string, LibraryMethod> | undefined>)[
      collection
    ];
    const fn = resource?.[verb];
    if (resource === undefined || typeof fn !== 'function') {
      throw new InvalidError(`@googleapis/compute has no ${collection}.${verb}`, {
        method: methodId(collection, verb),
      });
    }
    return fn.bind(resource);
  }

  #spec(kind: ResourceKind, verb: Verb): CollectionSpec {
    const spec = COLLECTIONS[kind];
    if (spec === undefined || !spec.verbs.has(verb)) {
      const method = methodId(spec?.collection ?? String(kind), verb);
      throw new InvalidError(`${method}: ${String(kind)} has no ${verb} method`, { method });
    }
    return spec;
  }
}

function toObserved(kind: ResourceKind, body: Record<string, unknown>): ObservedResource {
  return { kind, name: typeof body.name === 'string' ? body.name : '', body };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
