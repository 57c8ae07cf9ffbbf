import type { compute_v1 } from '@googleapis/compute';
import type { ComputeBody, ObservedResource, ResourceKind } from '../model/gce.ts';
import type { Operation } from './operations.ts';

/** What a finished write did. */
export interface WriteResult {
  /** The Compute method, e.g. `compute.urlMaps.update`. */
  readonly method: string;
  /** The DONE operation; absent when the write was settled without one (see `settled`). */
  readonly operation?: Operation;
  /**
   * Set when the write was settled without a successful operation of its own:
   * `alreadyAbsent`: a delete found nothing to delete (404 on delete is success);
   * `existedAfterLostResponse`: an insert whose response was lost was retried, got 409, and a
   * get showed our resource is there.
   */
  readonly settled?: 'alreadyAbsent' | 'existedAfterLostResponse';
}

/** Health of one backend group as `backendServices.getHealth` reports it. */
export type BackendGroupHealth = compute_v1.Schema$BackendServiceGroupHealth;

/**
 * The Compute Engine client the controller uses, over global load-balancer resources. Methods are
 * named after the REST verbs. Every request passes the shared request budget and the call log,
 * is retried by one retry layer (transient, rate-limited, not-ready) with the same `requestId`
 * for a mutation, and fails with a classified GceError (`errors.ts`). Every write resolves only
 * when its operation is DONE, so a resource written is a resource others may reference.
 * A verb the kind's collection lacks (e.g. `update` on a target proxy) rejects with InvalidError
 * before anything is sent.
 */
export interface GceClient {
  /** The project every call addresses. */
  readonly project: string;

  /**
   * Every resource of ours (name matches the client's prefix) of these kinds. Served from the
   * cache while a kind's last list is younger than the TTL; names we wrote since are re-read
   * one by one; otherwise (or with `refresh`) the kind is listed again, page by page.
   */
  observe(
    kinds: readonly ResourceKind[],
    options?: {
      readonly refresh?: boolean;
      /**
       * Only the resources whose ownership marker names this owner (see `ownerKey`), found
       * through an index, so a reconcile's cost does not grow with the whole fleet.
       */
      readonly owner?: string;
    },
  ): Promise<ObservedResource[]>;
  /** Forgets cached state of one kind or all kinds: the next observe lists again. */
  refresh(kind?: ResourceKind): void;
  /**
   * One resource, or undefined when it does not exist (404 is an answer here, not an error).
   * Served from the cache when known and fresh, unless `fresh`.
   */
  get(
    kind: ResourceKind,
    name: string,
    options?: { readonly fresh?: boolean },
  ): Promise<ObservedResource | undefined>;
  /** Every resource of a kind matching `filter`, following `nextPageToken`; never cached. */
  list(
    kind: ResourceKind,
    options?: { readonly filter?: string; readonly maxResults?: number },
  ): Promise<ObservedResource[]>;

  /** Inserts `body` (which names the resource). */
  insert(kind: ResourceKind, body: ComputeBody): Promise<WriteResult>;
  /** PUT: replaces the resource's writable state; the body must carry the current fingerprint. */
  update(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult>;
  /** PATCH: JSON merge patch; the body must carry the current fingerprint where the kind has one. */
  patch(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult>;
  /** Deletes; resolves with `settled: 'alreadyAbsent'` when it was already gone. */
  delete(kind: ResourceKind, name: string): Promise<WriteResult>;
  /** Target proxies: `{urlMap}`. */
  setUrlMap(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult>;
  /** Target HTTPS proxies: `{sslCertificates: [...]}` (replaces the whole list). */
  setSslCertificates(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult>;
  /** Forwarding rules: `{target}`. */
  setTarget(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult>;

  /** Health of the members of one backend group (`group` is the group's full URL); not cached. */
  getHealth(backendService: string, group: string): Promise<BackendGroupHealth>;
}
