import type { ObservedResource, ResourceKind } from '../model/gce.ts';
import type { Clock } from './clock.ts';

/** What the cache knows about one name. */
export type CacheEntry =
  | { readonly state: 'present'; readonly resource: ObservedResource; readonly at: number }
  | { readonly state: 'absent'; readonly at: number }
  /** We wrote it (or a write failed) and have not read it since: its body is unknown. */
  | { readonly state: 'stale'; readonly at: number };

/** A lookup answer: a known body, known absence, or "ask GCE". */
export type CacheAnswer =
  { readonly known: true; readonly resource: ObservedResource | undefined } | { readonly known: false };

/** How long a write mark is kept: far longer than any read request may take. */
const TOUCH_RETENTION_MS = 15 * 60_000;

interface KindState {
  listedAt: number | undefined;
  readonly entries: Map<string, CacheEntry>;
  /** The names whose entry is `stale`, kept beside `entries` so finding them costs nothing. */
  readonly stale: Set<string>;
  /** The sequence number and time of the last write per name, to protect writes from older reads. */
  readonly touched: Map<string, { readonly seq: number; readonly at: number }>;
}

/**
 * The observed state of our GCE resources, shared by every reconcile. A list per kind (filtered
 * by our name prefix) fills it; our own writes keep it current (a write marks the name stale so
 * the next observe re-reads just that name, a delete marks it absent), so an unchanged resync
 * reads nothing until the TTL expires. Expiry (or `invalidate`) is what detects drift made by
 * others. Pure bookkeeping: no I/O.
 */
export class ResourceCache {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  /** True for names a prefix-filtered list returns; a list says nothing about other names. */
  readonly #listCovers: (name: string) => boolean;
  readonly #kinds = new Map<ResourceKind, KindState>();
  #writeSeq = 0;
  /** The owner of a body (an opaque key), for `snapshotOwned`; none without `ownerOf`. */
  readonly #ownerOf: (resource: ObservedResource) => string | undefined;
  /** Owner key → `kind/name` of the present entries it owns. */
  readonly #byOwner = new Map<string, Set<string>>();
  /** `kind/name` → its owner key, to move an entry when its body changes. */
  readonly #ownerOfName = new Map<string, string>();

  constructor(
    clock: Clock,
    ttlMs: number,
    listCovers: (name: string) => boolean,
    ownerOf: (resource: ObservedResource) => string | undefined = () => undefined,
  ) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#listCovers = listCovers;
    this.#ownerOf = ownerOf;
  }

  /** True when `name` is one a list of our resources would return. */
  covers(name: string): boolean {
    return this.#listCovers(name);
  }

  /** True when the kind was listed within the TTL and not invalidated since. */
  isListFresh(kind: ResourceKind): boolean {
    const at = this.#kind(kind).listedAt;
    return at !== undefined && this.#clock.now() - at < this.#ttlMs;
  }

  /** Marks the start of a read (list or get); pass the token to `completeList`, `put` or `putAbsent`. */
  beginRead(): number {
    return this.#writeSeq;
  }

  /**
   * Replaces the kind's covered names by a list result taken since `token`. Names written after
   * the list began keep what the write said (the list may predate the write).
   */
  completeList(kind: ResourceKind, token: number, resources: readonly ObservedResource[]): void {
    const k = this.#kind(kind);
    const now = this.#clock.now();
    const writtenSince = (name: string) => (k.touched.get(name)?.seq ?? -1) > token;
    for (const name of [...k.entries.keys()]) {
      if (this.#listCovers(name) && !writtenSince(name)) this.#set(kind, k, name, undefined);
    }
    for (const r of resources) {
      if (!writtenSince(r.name)) this.#set(kind, k, r.name, { state: 'present', resource: r, at: now });
    }
    k.listedAt = now;
    // A read lives for seconds (request timeouts); older write marks can no longer matter.
    for (const [name, t] of k.touched) if (now - t.at > TOUCH_RETENTION_MS) k.touched.delete(name);
  }

  /** Names whose body must be re-read before the kind's snapshot is complete. */
  staleNames(kind: ResourceKind): string[] {
    return [...this.#kind(kind).stale];
  }

  /** Every present resource of the kind whose name the list covers, in name order. */
  snapshot(kind: ResourceKind): ObservedResource[] {
    const out: ObservedResource[] = [];
    for (const [name, e] of this.#kind(kind).entries) {
      if (e.state === 'present' && this.#listCovers(name)) out.push(e.resource);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The present resources of the kind whose body names `owner` (as `ownerOf` computes it), in
   * name order: what `snapshot` would give, filtered, at a cost that grows with what the owner
   * has, not with the whole cache.
   */
  snapshotOwned(kind: ResourceKind, owner: string): ObservedResource[] {
    const k = this.#kind(kind);
    const out: ObservedResource[] = [];
    for (const id of this.#byOwner.get(owner) ?? []) {
      const slash = id.indexOf('/');
      if (id.slice(0, slash) !== kind) continue;
      const name = id.slice(slash + 1);
      const e = k.entries.get(name);
      if (e?.state === 'present' && this.#listCovers(name)) out.push(e.resource);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** What is known about one name without asking GCE. */
  lookup(kind: ResourceKind, name: string): CacheAnswer {
    const k = this.#kind(kind);
    const e = k.entries.get(name);
    const now = this.#clock.now();
    if (e === undefined) {
      return this.#listCovers(name) && this.isListFresh(kind)
        ? { known: true, resource: undefined }
        : { known: false };
    }
    if (e.state === 'stale' || now - e.at >= this.#ttlMs) return { known: false };
    return { known: true, resource: e.state === 'present' ? e.resource : undefined };
  }

  /** Records a body read from GCE. Ignored if a write happened after `token` (from beginRead). */
  put(resource: ObservedResource, token = this.#writeSeq): void {
    const k = this.#kind(resource.kind);
    if ((k.touched.get(resource.name)?.seq ?? -1) > token) return;
    this.#set(resource.kind, k, resource.name, { state: 'present', resource, at: this.#clock.now() });
  }

  /** Records that a read found nothing. Ignored if a write happened after `token`. */
  putAbsent(kind: ResourceKind, name: string, token = this.#writeSeq): void {
    const k = this.#kind(kind);
    if ((k.touched.get(name)?.seq ?? -1) > token) return;
    this.#set(kind, k, name, { state: 'absent', at: this.#clock.now() });
  }

  /** A write to `name` finished (or failed with an unknown outcome): re-read it when next asked. */
  markStale(kind: ResourceKind, name: string): void {
    const k = this.#kind(kind);
    k.touched.set(name, { seq: ++this.#writeSeq, at: this.#clock.now() });
    this.#set(kind, k, name, { state: 'stale', at: this.#clock.now() });
  }

  /** A delete of `name` finished, or found it already gone. */
  markAbsent(kind: ResourceKind, name: string): void {
    const k = this.#kind(kind);
    k.touched.set(name, { seq: ++this.#writeSeq, at: this.#clock.now() });
    this.#set(kind, k, name, { state: 'absent', at: this.#clock.now() });
  }

  /**
   * Forgets what is known about one kind, or about all kinds: the next observe lists again. The
   * write marks stay, so a read already in flight still cannot overwrite a newer write.
   */
  invalidate(kind?: ResourceKind): void {
    for (const [k, state] of this.#kinds) {
      if (kind !== undefined && k !== kind) continue;
      for (const name of [...state.entries.keys()]) this.#set(k, state, name, undefined);
      state.listedAt = undefined;
    }
  }

  /** Every change of an entry goes through here, so the owner index never drifts. */
  #set(kind: ResourceKind, k: KindState, name: string, entry: CacheEntry | undefined): void {
    const id = `${kind}/${name}`;
    const before = this.#ownerOfName.get(id);
    const after = entry?.state === 'present' ? this.#ownerOf(entry.resource) : undefined;
    if (before !== after) {
      if (before !== undefined) {
        const set = this.#byOwner.get(before);
        set?.delete(id);
        if (set?.size === 0) this.#byOwner.delete(before);
        this.#ownerOfName.delete(id);
      }
      if (after !== undefined) {
        let set = this.#byOwner.get(after);
        if (!set) this.#byOwner.set(after, (set = new Set()));
        set.add(id);
        this.#ownerOfName.set(id, after);
      }
    }
    if (entry) k.entries.set(name, entry);
    else k.entries.delete(name);
    if (entry?.state === 'stale') k.stale.add(name);
    else k.stale.delete(name);
  }

  #kind(kind: ResourceKind): KindState {
    let k = this.#kinds.get(kind);
    if (k === undefined) {
      k = { listedAt: undefined, entries: new Map(), stale: new Set(), touched: new Map() };
      this.#kinds.set(kind, k);
    }
    return k;
  }
}
