/**
 * Derives the emulator's committed data files from Google's Compute Engine v1 discovery document:
 *
 * - `methods.json`: the id, HTTP verb and path template of every method the emulator serves, so
 *   routes and call-log method ids are exactly Google's;
 * - `schemas.json`: for every schema reachable from those methods' request bodies, each field's
 *   type, format, enum and whether it is output-only or input-only, so the emulator can check
 *   types and enums, ignore output-only fields sent back by clients, and never echo input-only ones.
 *
 * Usage: `node test/emulator/data/derive-data.ts <compute-v1-discovery.json>`. It rewrites both files
 * beside this script and fails if a served method id is missing from the document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The methods the emulator serves, by discovery resource name. */
const SERVED: Record<string, readonly string[]> = {
  globalAddresses: ['insert', 'get', 'list', 'delete', 'setLabels'],
  addresses: ['aggregatedList'],
  healthChecks: ['insert', 'get', 'list', 'delete', 'update', 'patch', 'aggregatedList'],
  backendServices: ['insert', 'get', 'list', 'delete', 'update', 'patch', 'getHealth', 'aggregatedList'],
  urlMaps: ['insert', 'get', 'list', 'delete', 'update', 'patch', 'validate', 'aggregatedList'],
  targetHttpProxies: ['insert', 'get', 'list', 'delete', 'patch', 'setUrlMap', 'aggregatedList'],
  targetHttpsProxies: [
    'insert',
    'get',
    'list',
    'delete',
    'patch',
    'setUrlMap',
    'setSslCertificates',
    'setQuicOverride',
    'aggregatedList',
  ],
  sslCertificates: ['insert', 'get', 'list', 'delete', 'aggregatedList'],
  globalForwardingRules: ['insert', 'get', 'list', 'delete', 'patch', 'setTarget', 'setLabels'],
  forwardingRules: ['aggregatedList'],
  firewalls: ['insert', 'get', 'list', 'delete', 'update', 'patch'],
  networks: ['get', 'list'],
  globalOperations: ['get', 'list', 'delete', 'wait', 'aggregatedList'],
  zoneOperations: ['get', 'list', 'delete', 'wait'],
  zones: ['get', 'list'],
  regions: ['get', 'list'],
  projects: ['get'],
  instances: ['insert', 'get', 'list', 'delete', 'aggregatedList'],
  instanceGroups: [
    'insert',
    'get',
    'list',
    'delete',
    'listInstances',
    'addInstances',
    'removeInstances',
    'setNamedPorts',
    'aggregatedList',
  ],
  networkEndpointGroups: [
    'insert',
    'get',
    'list',
    'delete',
    'attachNetworkEndpoints',
    'detachNetworkEndpoints',
    'listNetworkEndpoints',
    'aggregatedList',
  ],
};

interface DiscoveryProperty {
  type?: string;
  format?: string;
  enum?: string[];
  $ref?: string;
  description?: string;
  items?: DiscoveryProperty;
  additionalProperties?: DiscoveryProperty;
}
interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  request?: { $ref: string };
}
interface Discovery {
  revision: string;
  schemas: Record<string, { properties?: Record<string, DiscoveryProperty> }>;
  resources: Record<string, { methods: Record<string, DiscoveryMethod> }>;
}

/** A field as the emulator needs it; see schema.ts for how each flag is used. */
interface FieldInfo {
  type?: string;
  format?: string;
  enum?: string[];
  ref?: string;
  items?: FieldInfo;
  values?: FieldInfo;
  outputOnly?: true;
  inputOnly?: true;
}

function fieldInfo(p: DiscoveryProperty, queue: string[]): FieldInfo {
  const out: FieldInfo = {};
  if (p.$ref) {
    out.ref = p.$ref;
    queue.push(p.$ref);
  }
  if (p.type) out.type = p.type;
  if (p.format) out.format = p.format;
  if (p.enum) out.enum = p.enum;
  if (p.items) out.items = fieldInfo(p.items, queue);
  if (p.additionalProperties) out.values = fieldInfo(p.additionalProperties, queue);
  const text = (p.description ?? '').replace(/\s+/g, ' ');
  if (/\[Output Only\]|^Output only\./.test(text)) out.outputOnly = true;
  if (/\[Input Only\]|^Input only\.|@InputOnly|write-only|[Oo]nly insert requests/.test(text)) {
    out.inputOnly = true;
  }
  return out;
}

function main(): void {
  const source = process.argv[2];
  if (!source) throw new Error('usage: derive-data.ts <compute-v1-discovery.json>');
  const doc = JSON.parse(readFileSync(source, 'utf8')) as Discovery;
  const methods: { id: string; httpMethod: string; path: string; request?: string }[] = [];
  const queue: string[] = [];
  for (const [resource, names] of Object.entries(SERVED)) {
    for (const name of names) {
      const m = doc.resources[resource]?.methods[name];
      if (!m) throw new Error(`discovery has no method ${resource}.${name}`);
      methods.push({ id: m.id, httpMethod: m.httpMethod, path: m.path, ...(m.request ? { request: m.request.$ref } : {}) });
      if (m.request) queue.push(m.request.$ref);
    }
  }
  const schemas: Record<string, Record<string, FieldInfo>> = {};
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (schemas[name]) continue;
    const fields: Record<string, FieldInfo> = {};
    schemas[name] = fields;
    for (const [field, p] of Object.entries(doc.schemas[name]?.properties ?? {})) fields[field] = fieldInfo(p, queue);
  }
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  const here = dirname(fileURLToPath(import.meta.url));
  writeFileSync(join(here, 'methods.json'), JSON.stringify({ revision: doc.revision, methods }, null, 1) + '\n');
  writeFileSync(join(here, 'schemas.json'), JSON.stringify({ revision: doc.revision, schemas: sorted }) + '\n');
  console.log(`${methods.length} methods, ${Object.keys(sorted).length} schemas`);
}

main();
