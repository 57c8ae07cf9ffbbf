/**
 * The operations collections: `globalOperations` and `zoneOperations` get, list, delete and wait,
 * plus `globalOperations.aggregatedList`. `wait` blocks until the operation is DONE or the
 * configured deadline (about 2 minutes in GCE) passes on the emulator's clock, then returns it.
 */
import type { ApiCall, Core, Handler } from '../core.ts';
import { notFound } from '../errors.ts';
import type { Scope } from '../links.ts';
import { collectionPath, scopePath } from '../links.ts';
import type { OperationRecord } from '../operations.ts';
import { paginate } from '../paging.ts';
import type { Json } from '../schema.ts';
import { queryOf } from './crud.ts';

function scopeOf(call: ApiCall): Scope {
  return call.params.zone !== undefined ? { kind: 'zone', zone: call.params.zone } : { kind: 'global' };
}

function find(core: Core, call: ApiCall): OperationRecord {
  const project = call.params.project as string;
  const scope = scopeOf(call);
  const name = call.resourceName ?? '';
  const op =
    core.ops.get(project, scope, name) ?? core.ops.list(project, scope).find((o) => o.body.id === name);
  if (!op) throw notFound(`${collectionPath(project, scope, 'operations')}/${name}`);
  return op;
}

const get: Handler = (call, core) => ({ status: 200, body: structuredClone(find(core, call).body) });

const list: Handler = (call, core) => {
  const project = call.params.project as string;
  const scope = scopeOf(call);
  const page = paginate(
    core.ops.list(project, scope).map((o) => structuredClone(o.body)),
    queryOf(call),
    (x) => x,
  );
  const id = collectionPath(project, scope, 'operations');
  const body: Json = { kind: 'compute#operationList', id };
  if (page.items.length > 0) body.items = page.items;
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  body.selfLink = core.link(id);
  return { status: 200, body };
};

const del: Handler = (call, core) => {
  core.ops.delete(find(core, call));
  return { status: 204 };
};

const wait: Handler = async (call, core) => {
  const op = find(core, call);
  await core.ops.wait(op, core.config.waitTimeoutMs);
  return { status: 200, body: structuredClone(op.body) };
};

const aggregated: Handler = (call, core) => {
  const project = call.params.project as string;
  const page = paginate(core.ops.all(project), queryOf(call), (o) => o.body);
  const items: Record<string, Json> = {};
  for (const op of page.items) {
    const key = scopePath(op.scope).slice(0, -1);
    const bucket = (items[key] ??= { operations: [] });
    (bucket.operations as Json[]).push(structuredClone(op.body));
  }
  const body: Json = {
    kind: 'compute#operationAggregatedList',
    id: `projects/${project}/aggregated/operations`,
    items,
  };
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  body.selfLink = core.link(`projects/${project}/aggregated/operations`);
  return { status: 200, body };
};

/** `compute.globalOperations.*` and `compute.zoneOperations.*`. */
export const operationHandlers: Record<string, Handler> = {
  'compute.globalOperations.get': get,
  'compute.globalOperations.list': list,
  'compute.globalOperations.delete': del,
  'compute.globalOperations.wait': wait,
  'compute.globalOperations.aggregatedList': aggregated,
  'compute.zoneOperations.get': get,
  'compute.zoneOperations.list': list,
  'compute.zoneOperations.delete': del,
  'compute.zoneOperations.wait': wait,
};
