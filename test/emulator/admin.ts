/**
 * The admin endpoint, outside `/compute`, for tests, the harness and benchmarks:
 *
 * | verb and path | does |
 * |---|---|
 * | `GET /admin/calls`, `DELETE /admin/calls` | the call log `{calls:[{method,status,at,...}]}`, or clear it |
 * | `GET /admin/state` | every resource (as GET shows it, plus hidden members/endpoints) and operation |
 * | `POST /admin/reset[?config=true]` | forget everything and re-seed (the `default` network); optionally restore the start config |
 * | `GET /admin/config`, `PUT /admin/config` | read, or merge a partial configuration |
 * | `GET /admin/rate-limits` | `{windows:[{windowStart,group,admitted,rejected}]}` per minute window |
 * | `POST /admin/instances`, `DELETE /admin/instances/{zone}/{name}` | create / remove a VM at once |
 * | `PUT /admin/health/instances/{zone}/{name}` | `{healthState}` of every backend on a VM |
 * | `PUT /admin/health/endpoints/{zone}/{neg}` | `{ipAddress, port, healthState}` of one NEG endpoint |
 * | `PUT /admin/ssl-certificates/{name}/managed-status` | `{status}` of a managed certificate |
 * | `POST /admin/operations/release` | `{name?}`: finish hung operations now |
 */
import type { ServerResponse } from 'node:http';
import { ConfigError } from './config.ts';
import type { Core } from './core.ts';
import type { InstanceSpec } from './direct.ts';
import {
  addInstance,
  dumpState,
  parseHealthState,
  removeInstance,
  setEndpointHealth,
  setInstanceHealth,
} from './direct.ts';
import { ComputeError } from './errors.ts';
import { setManagedCertificateStatus } from './resources/ssl-certificates.ts';
import type { Json } from './schema.ts';
import { sendJson } from './transport.ts';

/** An admin request that cannot be served; rendered as `{error:{code,message}}`. */
export class AdminError extends Error {
  readonly code: number;

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
  }
}

function json(text: string): Json {
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new AdminError(400, 'body must be a JSON object');
    return v as Json;
  } catch (err) {
    if (err instanceof AdminError) throw err;
    throw new AdminError(400, 'body is not valid JSON', { cause: err });
  }
}

function route(
  core: Core,
  method: string,
  parts: string[],
  query: URLSearchParams,
  body: string,
): { status: number; body?: unknown } {
  const key = `${method} ${parts[0] ?? ''}`;
  switch (key) {
    case 'GET calls':
      return { status: 200, body: { calls: core.calls.entries() } };
    case 'DELETE calls':
      core.calls.clear();
      return { status: 204 };
    case 'GET state':
      return { status: 200, body: dumpState(core) };
    case 'POST reset':
      core.reset({ config: query.get('config') === 'true' });
      return { status: 204 };
    case 'GET config':
      return { status: 200, body: core.config };
    case 'PUT config':
      return { status: 200, body: core.updateConfig(json(body)) };
    case 'GET rate-limits':
      return { status: 200, body: { windows: core.rate.windows() } };
    case 'POST instances':
      return { status: 200, body: addInstance(core, json(body) as unknown as InstanceSpec) };
    case 'DELETE instances': {
      const [, zone = '', name = ''] = parts;
      if (!removeInstance(core, zone, name)) throw new AdminError(404, `no instance ${zone}/${name}`);
      return { status: 204 };
    }
    case 'PUT health': {
      const [, what, zone = '', name = ''] = parts;
      const b = json(body);
      if (what === 'instances') setInstanceHealth(core, zone, name, parseHealthState(b.healthState));
      else if (what === 'endpoints')
        setEndpointHealth(
          core,
          zone,
          name,
          String(b.ipAddress),
          Number(b.port),
          parseHealthState(b.healthState),
        );
      else throw new AdminError(404, `unknown health target '${String(what)}'`);
      return { status: 204 };
    }
    case 'PUT ssl-certificates': {
      const status = json(body).status;
      if (status !== 'ACTIVE' && status !== 'PROVISIONING' && status !== 'PROVISIONING_FAILED') {
        throw new AdminError(400, 'status must be ACTIVE, PROVISIONING or PROVISIONING_FAILED');
      }
      setManagedCertificateStatus(core, parts[1] ?? '', status);
      return { status: 204 };
    }
    case 'POST operations': {
      const name = json(body).name;
      return {
        status: 200,
        body: { released: core.ops.release(typeof name === 'string' ? name : undefined) },
      };
    }
    default:
      throw new AdminError(404, `no admin route ${method} /admin/${parts.join('/')}`);
  }
}

/** Serves one `/admin/...` request. */
export async function handleAdmin(
  core: Core,
  method: string,
  rawUrl: string,
  body: string,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(rawUrl, 'http://emulator.invalid');
  const parts = url.pathname
    .split('/')
    .slice(2)
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  try {
    const out = route(core, method, parts, url.searchParams, body);
    sendJson(res, out.status, out.body);
  } catch (err) {
    if (err instanceof AdminError || err instanceof ComputeError)
      sendJson(res, err.code, { error: { code: err.code, message: err.message } });
    else if (err instanceof ConfigError) sendJson(res, 400, { error: { code: 400, message: err.message } });
    else throw err;
  }
}
