/**
 * The methods every resource kind shares — insert, get, list, delete, update (PUT), patch (JSON
 * merge patch), setLabels and aggregatedList — written once over a {@link KindSpec}, plus the
 * helpers custom methods use to replace a body under a new fingerprint.
 */
import type { ApiCall, ApiResult, Core, Handler } from '../core.ts';
import {
  alreadyExists,
  inUse,
  invalidField,
  notFound,
  required,
  staleFingerprint,
  staleLabelFingerprint,
} from '../errors.ts';
import type { Scope } from '../links.ts';
import { collectionPath, scopePath } from '../links.ts';
import { assertValidName, isNumericId } from '../names.ts';
import { paginate } from '../paging.ts';
import type { Json } from '../schema.ts';
import { checkBody, stripInputOnly } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { fingerprint, sameFingerprint } from '../store.ts';
import { gceTimestamp } from '../timestamps.ts';
import type { KindSpec } from './kind.ts';

/** The scope a call addresses for a kind: global, or the call's zone. */
export function scopeOf(spec: KindSpec, call: ApiCall): Scope {
  return spec.scope === 'zone' ? { kind: 'zone', zone: call.params.zone as string } : { kind: 'global' };
}

/** The record a call names (by name or numeric id), or 404. */
export function findRecord(core: Core, spec: KindSpec, call: ApiCall): ResourceRecord {
  const project = call.params.project as string;
  const scope = scopeOf(spec, call);
  const name = call.resourceName ?? '';
  const record = isNumericId(name)
    ? core.store.getById(project, scope, spec.collection, name)
    : core.store.get(project, scope, spec.collection, name);
  if (!record) throw notFound(`${collectionPath(project, scope, spec.collection)}/${name}`);
  return record;
}

/** What GET returns for a record: the kind's presentation, deep-copied. */
export function present(core: Core, spec: KindSpec, record: ResourceRecord): Json {
  return structuredClone(spec.present ? spec.present(record, core) : record.body);
}

/** The list kind of a resource kind (`compute#backendService` → `compute#backendServiceList`). */
function listKind(spec: KindSpec, suffix: 'List' | 'AggregatedList'): string {
  return `${spec.kind}${suffix}`;
}

/**
 * Builds the stored body from a kind's written fields plus the server fields, in Google's order
 * (kind, id, creationTimestamp, name, ..., selfLink), with fingerprints for `version`.
 */
export function assemble(
  core: Core,
  spec: KindSpec,
  record: { id: string; name: string; path: string; project: string; scope: Scope; created: string },
  written: Json,
  version: number,
  labelVersion: number,
): Json {
  const {
    name: _name,
    fingerprint: _fp,
    labelFingerprint: _lfp,
    ...rest
  } = stripInputOnly(spec.schema, written);
  const body: Json = {
    kind: spec.kind,
    id: record.id,
    creationTimestamp: record.created,
    name: record.name,
    ...rest,
  };
  if (record.scope.kind === 'zone')
    body.zone = core.link(`projects/${record.project}/zones/${record.scope.zone}`);
  body.selfLink = core.link(record.path);
  if (spec.fingerprint) body.fingerprint = fingerprint(record.id, version);
  if (spec.labels) body.labelFingerprint = fingerprint(record.id, labelVersion, 'labels');
  return body;
}

/** The writable part of a stored body (server and output-only fields removed), for patching. */
export function writable(spec: KindSpec, body: Json): Json {
  const { fingerprint: _fp, labelFingerprint: _lfp, ...rest } = checkBody(spec.schema, body, false);
  return rest;
}

/**
 * Replaces a record's body with `written` (validated by the caller) under a new fingerprint, as
 * one operation of type `operationType`; `aux` replaces the hidden state when given.
 */
export function replaceBody(
  call: ApiCall,
  core: Core,
  spec: KindSpec,
  record: ResourceRecord,
  operationType: string,
  written: Json,
  aux?: Json,
  bumpLabels = false,
): ApiResult {
  const version = record.version + 1;
  const labelVersion = record.labelVersion + (bumpLabels ? 1 : 0);
  const meta = { ...record, created: String(record.body.creationTimestamp) };
  const body = assemble(core, spec, meta, written, version, labelVersion);
  const nextAux = aux ?? record.aux;
  return core.mutate(
    call,
    record,
    operationType,
    { body, aux: nextAux },
    {
      commit: () => {
        record.body = body;
        record.aux = nextAux;
        record.version = version;
        record.labelVersion = labelVersion;
      },
    },
  );
}

/** Throws 400 `required` when `given` is absent and 412 when it is not the record's current fingerprint. */
export function checkFingerprint(
  record: ResourceRecord,
  given: unknown,
  field = 'resource.fingerprint',
): void {
  if (given === undefined || given === null || given === '') throw required(field);
  if (!sameFingerprint(given, record.body.fingerprint)) throw staleFingerprint();
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function insert(spec: KindSpec): Handler {
  return (call, core) => {
    const project = call.params.project as string;
    const scope = scopeOf(spec, call);
    const input = checkBody(spec.schema, call.body, core.config.rejectUnknownFields);
    assertValidName(input.name);
    const name = input.name;
    const path = `${collectionPath(project, scope, spec.collection)}/${name}`;
    if (core.store.get(project, scope, spec.collection, name)) throw alreadyExists(path);
    const quotaFailure = core.quotaCheck(spec, project);
    const built = spec.build(input, { core, project, scope, name, path, existing: undefined });
    const id = core.store.nextId();
    const meta = { id, name, path, project, scope, created: gceTimestamp(core.now()) };
    const body = assemble(core, spec, meta, built.body, 1, 1);
    const aux = built.aux ?? {};
    const record: ResourceRecord = {
      path,
      project,
      scope,
      collection: spec.collection,
      name,
      id,
      body,
      aux,
      state: 'creating',
      version: 1,
      labelVersion: 1,
    };
    core.store.add(record);
    return core.mutate(
      call,
      record,
      'insert',
      { body, aux },
      {
        commit: () => {
          record.state = 'ready';
        },
        rollback: () => core.store.remove(record),
      },
      quotaFailure,
    );
  };
}

function get(spec: KindSpec): Handler {
  return (call, core) => ({ status: 200, body: present(core, spec, findRecord(core, spec, call)) });
}

function list(spec: KindSpec): Handler {
  return (call, core) => {
    const project = call.params.project as string;
    const scope = scopeOf(spec, call);
    const items = core.store.list(project, scope, spec.collection).map((r) => present(core, spec, r));
    const page = paginate(items, queryOf(call), (x) => x);
    const cpath = collectionPath(project, scope, spec.collection);
    const body: Json = { kind: listKind(spec, 'List'), id: cpath };
    if (page.items.length > 0) body.items = page.items;
    if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
    body.selfLink = core.link(cpath);
    return { status: 200, body };
  };
}

/** The list query parameters of a call. */
export function queryOf(call: ApiCall): {
  filter: string | null;
  maxResults: string | null;
  pageToken: string | null;
  orderBy: string | null;
} {
  return {
    filter: call.query.get('filter'),
    maxResults: call.query.get('maxResults'),
    pageToken: call.query.get('pageToken'),
    orderBy: call.query.get('orderBy'),
  };
}

/**
 * An aggregatedList over `collection` in every scope, keyed `global` / `zones/<z>` as Google
 * does; scopes with nothing on the page are left out.
 */
export function aggregatedList(spec: KindSpec, aggregatedKind = listKind(spec, 'AggregatedList')): Handler {
  return (call, core) => {
    const project = call.params.project as string;
    const records = core.store
      .listAcrossScopes(project, spec.collection)
      .sort((a, b) => scopePath(a.scope).localeCompare(scopePath(b.scope)) || a.name.localeCompare(b.name));
    const page = paginate(records, queryOf(call), (r) => present(core, spec, r));
    const items: Record<string, Json> = {};
    for (const r of page.items) {
      const key = scopePath(r.scope).slice(0, -1);
      const bucket = (items[key] ??= { [spec.collection]: [] });
      (bucket[spec.collection] as Json[]).push(present(core, spec, r));
    }
    const body: Json = {
      kind: aggregatedKind,
      id: `projects/${project}/aggregated/${spec.collection}`,
      items,
    };
    if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
    body.selfLink = core.link(`projects/${project}/aggregated/${spec.collection}`);
    return { status: 200, body };
  };
}

function del(spec: KindSpec, blockedByUsers: (core: Core) => boolean): Handler {
  return (call, core) => {
    const record = findRecord(core, spec, call);
    core.assertIdle(record);
    spec.beforeDelete?.(record, core);
    if (blockedByUsers(core)) {
      const user = core.users(record.path)[0];
      if (user) throw inUse(spec.snakeType, record.path, user.path);
    }
    record.state = 'deleting';
    return core.mutate(
      call,
      record,
      'delete',
      { body: record.body, aux: record.aux },
      {
        commit: () => {
          core.store.remove(record);
          spec.afterDelete?.(record, core);
        },
        rollback: () => {
          record.state = 'ready';
        },
      },
    );
  };
}

function update(spec: KindSpec): Handler {
  return (call, core) => {
    const record = findRecord(core, spec, call);
    core.assertIdle(record);
    const input = checkBody(spec.schema, call.body, core.config.rejectUnknownFields);
    if (spec.fingerprint) checkFingerprint(record, input.fingerprint);
    checkSameName(record, input.name);
    const built = spec.build({ ...input, name: record.name }, contextFor(core, record));
    const written = spec.labels ? { ...built.body, labels: record.body.labels } : built.body;
    return replaceBody(call, core, spec, record, 'update', written, built.aux);
  };
}

function patch(spec: KindSpec): Handler {
  return (call, core) => {
    const record = findRecord(core, spec, call);
    core.assertIdle(record);
    const input = checkBody(spec.schema, call.body, core.config.rejectUnknownFields);
    if (spec.fingerprint) checkFingerprint(record, input.fingerprint);
    checkSameName(record, input.name);
    const { fingerprint: _fp, ...changes } = input;
    const base = writable(spec, record.body);
    const merged = { ...(mergePatch(base, changes) as Json), name: record.name };
    spec.checkPatch?.(base, merged);
    const built = spec.build(merged, contextFor(core, record));
    return replaceBody(call, core, spec, record, 'patch', built.body, built.aux);
  };
}

function setLabels(spec: KindSpec): Handler {
  return (call, core) => {
    const record = findRecord(core, spec, call);
    core.assertIdle(record);
    const input = checkBody(
      'GlobalSetLabelsRequest',
      call.body,
      core.config.rejectUnknownFields,
      'globalSetLabelsRequest',
    );
    if (input.labelFingerprint === undefined) throw required('globalSetLabelsRequest.labelFingerprint');
    if (!sameFingerprint(input.labelFingerprint, record.body.labelFingerprint)) throw staleLabelFingerprint();
    const labels = (input.labels ?? {}) as Json;
    for (const [k, v] of Object.entries(labels)) {
      if (!/^[a-z][-_a-z0-9]{0,62}$/.test(k) || typeof v !== 'string' || !/^[-_a-z0-9]{0,63}$/.test(v)) {
        throw invalidField(
          `globalSetLabelsRequest.labels[${k}]`,
          v,
          'Label keys and values must be lowercase letters, digits, - or _.',
        );
      }
    }
    const written = { ...writable(spec, record.body) };
    if (Object.keys(labels).length > 0) written.labels = labels;
    else delete written.labels;
    return replaceBody(call, core, spec, record, 'setLabels', written, undefined, true);
  };
}

function checkSameName(record: ResourceRecord, name: unknown): void {
  if (name !== undefined && name !== record.name) {
    throw invalidField('resource.name', name, `The name must stay '${record.name}'.`);
  }
}

/** The build context for a write to an existing record. */
export function contextFor(core: Core, record: ResourceRecord) {
  return {
    core,
    project: record.project,
    scope: record.scope,
    name: record.name,
    path: record.path,
    existing: record,
  };
}

/** The verbs {@link crudHandlers} can provide. */
export type CrudVerb = 'insert' | 'get' | 'list' | 'delete' | 'update' | 'patch' | 'setLabels';

/**
 * Handlers for the standard verbs of a kind, keyed by method id (`compute.<resource>.<verb>`).
 * `deleteBlockedByUsers` says whether references from other resources block delete (default yes).
 */
export function crudHandlers(
  spec: KindSpec,
  verbs: readonly CrudVerb[],
  deleteBlockedByUsers: (core: Core) => boolean = () => true,
): Record<string, Handler> {
  const make: Record<CrudVerb, () => Handler> = {
    insert: () => insert(spec),
    get: () => get(spec),
    list: () => list(spec),
    delete: () => del(spec, deleteBlockedByUsers),
    update: () => update(spec),
    patch: () => patch(spec),
    setLabels: () => setLabels(spec),
  };
  return Object.fromEntries(verbs.map((v) => [`compute.${spec.resource}.${v}`, make[v]()]));
}
