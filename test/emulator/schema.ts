/**
 * Request-body checking against the discovery schemas in data/schemas.json: types and enums are
 * checked the way Google's JSON front end checks them, output-only fields a client sends back
 * (id, selfLink, kind... as ingress-gce and kubemci do on PUT) are silently dropped, unknown fields
 * are refused when configured, and input-only fields are removed before anything is stored.
 */
import schemaData from './data/schemas.json' with { type: 'json' };
import { ComputeError } from './errors.ts';

/** A JSON object. */
export type Json = Record<string, unknown>;

interface FieldInfo {
  type?: string;
  format?: string;
  enum?: string[];
  ref?: string;
  items?: FieldInfo;
  values?: FieldInfo;
  outputOnly?: boolean;
  inputOnly?: boolean;
}

const SCHEMAS = (schemaData as unknown as { schemas: Record<string, Record<string, FieldInfo>> }).schemas;

/** True if the discovery data knows `name`. */
export function hasSchema(name: string): boolean {
  return name in SCHEMAS;
}

function badValue(path: string, typeName: string, value: unknown): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'invalid',
    message: `Invalid value at '${path}' (${typeName}), ${JSON.stringify(value)}`,
  });
}

function typeLabel(info: FieldInfo): string {
  if (info.enum) return 'TYPE_ENUM';
  if (info.type === 'integer') return info.format === 'uint32' ? 'TYPE_UINT32' : 'TYPE_INT32';
  if (info.type === 'number') return info.format === 'float' ? 'TYPE_FLOAT' : 'TYPE_DOUBLE';
  if (info.type === 'boolean') return 'TYPE_BOOL';
  if (info.format === 'int64') return 'TYPE_INT64';
  if (info.format === 'uint64') return 'TYPE_UINT64';
  return 'TYPE_STRING';
}

function checkValue(info: FieldInfo, value: unknown, path: string, rejectUnknown: boolean): unknown {
  if (info.ref) return checkObject(info.ref, value, path, rejectUnknown);
  switch (info.type) {
    case 'array': {
      if (!Array.isArray(value)) throw badValue(path, 'TYPE_LIST', value);
      return value.map((v, i) => checkValue(info.items ?? {}, v, `${path}[${i}]`, rejectUnknown));
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw badValue(path, 'TYPE_MESSAGE', value);
      if (!info.values) return value;
      const out: Json = {};
      for (const [k, v] of Object.entries(value))
        out[k] = checkValue(info.values, v, `${path}[${k}]`, rejectUnknown);
      return out;
    }
    case 'integer':
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || (info.type === 'integer' && !Number.isInteger(n))) {
        throw badValue(path, typeLabel(info), value);
      }
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw badValue(path, 'TYPE_BOOL', value);
      return value;
    case 'string': {
      if (info.format === 'int64' || info.format === 'uint64') {
        const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
        if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text))
          throw badValue(path, typeLabel(info), value);
        return text;
      }
      if (typeof value !== 'string') throw badValue(path, typeLabel(info), value);
      if (info.enum && !info.enum.includes(value)) throw badValue(path, 'TYPE_ENUM', value);
      return value;
    }
    default:
      return value;
  }
}

function checkObject(schema: string, value: unknown, path: string, rejectUnknown: boolean): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badValue(path, 'TYPE_MESSAGE', value);
  const fields = SCHEMAS[schema];
  if (!fields) return value as Json;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const info = fields[key];
    if (!info) {
      if (rejectUnknown) {
        throw new ComputeError({
          code: 400,
          reason: 'invalid',
          message: `Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.`,
        });
      }
      continue;
    }
    // JSON null means "unset" to Google's proto front end; output-only fields are ignored on input.
    if (v === null || v === undefined || info.outputOnly) continue;
    out[key] = checkValue(info, v, `${path}.${key}`, rejectUnknown);
  }
  return out;
}

/**
 * Checks a request body against schema `schema` and returns a cleaned copy: output-only fields
 * and nulls removed, numbers normalised (int64 as strings, int32 as numbers). Throws a 400
 * ComputeError for a wrong type, a value outside an enum, or (when `rejectUnknown`) an unknown field.
 */
export function checkBody(schema: string, body: unknown, rejectUnknown: boolean, root = 'resource'): Json {
  return checkObject(schema, body ?? {}, root, rejectUnknown);
}

/** Returns a copy of `body` without the fields the schema marks input-only (they are never stored). */
export function stripInputOnly(schema: string, body: Json): Json {
  const fields = SCHEMAS[schema];
  if (!fields) return body;
  const out: Json = {};
  for (const [key, v] of Object.entries(body)) {
    const info = fields[key];
    if (info?.inputOnly) continue;
    out[key] = info ? stripValue(info, v) : v;
  }
  return out;
}

function stripValue(info: FieldInfo, v: unknown): unknown {
  if (info.ref && typeof v === 'object' && v !== null && !Array.isArray(v))
    return stripInputOnly(info.ref, v as Json);
  if (info.type === 'array' && Array.isArray(v) && info.items)
    return v.map((x) => stripValue(info.items as FieldInfo, x));
  return v;
}
