/**
 * The emulator's state: every resource as a record keyed by its canonical path, with the server
 * fields GCE fills in (id, creation time, fingerprint) and the lifecycle that operations drive
 * (creating → ready → deleting, with at most one mutation in flight).
 */
import { createHash } from 'node:crypto';
import type { Scope } from './links.ts';
import { collectionPath } from './links.ts';
import type { Json } from './schema.ts';

/** Where a record is in its life: its insert is running, it is usable, or its delete is running. */
export type RecordState = 'creating' | 'ready' | 'deleting';

/** One stored resource. */
export interface ResourceRecord {
  readonly path: string;
  readonly project: string;
  readonly scope: Scope;
  readonly collection: string;
  readonly name: string;
  readonly id: string;
  /** The resource as GET returns it before presentation (server fields included). */
  body: Json;
  /** Kind-specific state that is not part of the body (group members, endpoints, address links). */
  aux: Json;
  state: RecordState;
  /** The mutation in flight, if any: its operation and the state it will commit. */
  pending?: { readonly body: Json; readonly aux: Json } | undefined;
  /** Bumped on every committed change; the fingerprint is derived from it. */
  version: number;
  labelVersion: number;
}

/** A fingerprint that changes with `version`; opaque base64 like Google's. */
export function fingerprint(id: string, version: number, salt = ''): string {
  return createHash('sha256').update(`${salt}${id}:${version}`).digest().subarray(0, 8).toString('base64');
}

/**
 * True if two fingerprints are the same bytes. Fingerprints are `format: byte`, and clients built
 * on apitools (gcloud) send them back in the URL-safe base64 alphabet, so the text may differ.
 */
export function sameFingerprint(given: unknown, current: unknown): boolean {
  if (typeof given !== 'string' || typeof current !== 'string') return false;
  return Buffer.from(given, 'base64').equals(Buffer.from(current, 'base64'));
}

/** All records, grouped by collection path for listing. */
export class Store {
  #collections = new Map<string, Map<string, ResourceRecord>>();
  #byId = new Map<string, ResourceRecord>();
  #nextId = 1n;
  readonly #idBase: bigint;
  readonly #onChange: () => void;

  /**
   * `onChange` runs after every add, remove and clear. Ids start at a fixed 19-digit base so they
   * look like Google's and replay identically.
   */
  constructor(onChange: () => void = () => undefined, idBase = 4_000_000_000_000_000_000n) {
    this.#onChange = onChange;
    this.#idBase = idBase;
  }

  /** A fresh uint64 id as a decimal string. */
  nextId(): string {
    const id = this.#idBase + this.#nextId * 7_919n;
    this.#nextId += 1n;
    return id.toString();
  }

  /** The record named `name` in a collection, or undefined. */
  get(project: string, scope: Scope, collection: string, name: string): ResourceRecord | undefined {
    return this.#collections.get(collectionPath(project, scope, collection))?.get(name);
  }

  /** The record with this id in a collection, or undefined. */
  getById(project: string, scope: Scope, collection: string, id: string): ResourceRecord | undefined {
    const r = this.#byId.get(id);
    return r && r.path.startsWith(collectionPath(project, scope, collection) + '/') ? r : undefined;
  }

  /** The record at a canonical path, or undefined. */
  getByPath(path: string): ResourceRecord | undefined {
    const slash = path.lastIndexOf('/');
    return this.#collections.get(path.slice(0, slash))?.get(path.slice(slash + 1));
  }

  /** Records of one collection, by name. */
  list(project: string, scope: Scope, collection: string): ResourceRecord[] {
    const c = this.#collections.get(collectionPath(project, scope, collection));
    return c ? [...c.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : [];
  }

  /** Records of one collection name across every scope of a project (for aggregated lists). */
  listAcrossScopes(project: string, collection: string): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const c of this.#collections.values()) {
      for (const r of c.values()) if (r.project === project && r.collection === collection) out.push(r);
    }
    return out;
  }

  /** Every record. */
  all(): ResourceRecord[] {
    return [...this.#collections.values()].flatMap((c) => [...c.values()]);
  }

  /** Adds a record; the caller has checked the name is free. */
  add(record: ResourceRecord): void {
    const key = collectionPath(record.project, record.scope, record.collection);
    let c = this.#collections.get(key);
    if (!c) {
      c = new Map();
      this.#collections.set(key, c);
    }
    c.set(record.name, record);
    this.#byId.set(record.id, record);
    this.#onChange();
  }

  /** Removes a record (no-op if absent). */
  remove(record: ResourceRecord): void {
    this.#collections
      .get(collectionPath(record.project, record.scope, record.collection))
      ?.delete(record.name);
    if (this.#byId.get(record.id) === record) this.#byId.delete(record.id);
    this.#onChange();
  }

  /** Forgets everything. */
  clear(): void {
    this.#collections.clear();
    this.#byId.clear();
    this.#nextId = 1n;
    this.#onChange();
  }
}
