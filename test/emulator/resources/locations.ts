/**
 * Zones, regions and the project itself: fixed data derived from the configuration (the zones
 * list, the project id and number) plus the quota usage the project reports.
 */
import { createHash } from 'node:crypto';
import type { ApiCall, Core, Handler } from '../core.ts';
import { notFound } from '../errors.ts';
import { regionOf } from '../ip.ts';
import { paginate } from '../paging.ts';
import type { Json } from '../schema.ts';
import { gceTimestamp } from '../timestamps.ts';
import { queryOf } from './crud.ts';

const EPOCH = gceTimestamp(0);

function stableId(text: string): string {
  return BigInt(`0x${createHash('sha256').update(text).digest('hex').slice(0, 15)}`).toString();
}

function zoneBody(core: Core, zone: string): Json {
  const p = core.config.project;
  return {
    kind: 'compute#zone',
    id: stableId(`zone:${zone}`),
    creationTimestamp: EPOCH,
    name: zone,
    description: zone,
    status: 'UP',
    region: core.link(`projects/${p}/regions/${regionOf(zone)}`),
    selfLink: core.link(`projects/${p}/zones/${zone}`),
    availableCpuPlatforms: ['Intel Broadwell', 'Intel Cascade Lake', 'AMD Milan'],
    supportsPzs: false,
  };
}

function regionBody(core: Core, region: string): Json {
  const p = core.config.project;
  return {
    kind: 'compute#region',
    id: stableId(`region:${region}`),
    creationTimestamp: EPOCH,
    name: region,
    description: region,
    status: 'UP',
    zones: core.config.zones
      .filter((z) => regionOf(z) === region)
      .map((z) => core.link(`projects/${p}/zones/${z}`)),
    quotas: [],
    selfLink: core.link(`projects/${p}/regions/${region}`),
    supportsPzs: false,
  };
}

function listOf(core: Core, call: ApiCall, kind: string, collection: string, items: Json[]) {
  const page = paginate(items, queryOf(call), (x) => x);
  const id = `projects/${core.config.project}/${collection}`;
  const body: Json = { kind, id, items: page.items };
  if (page.items.length === 0) delete body.items;
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  body.selfLink = core.link(id);
  return { status: 200, body };
}

function regions(core: Core): string[] {
  return [...new Set(core.config.zones.map(regionOf))];
}

/** The project resource, with per-metric quota limits and usage. */
export function projectBody(core: Core): Json {
  const c = core.config;
  return {
    kind: 'compute#project',
    id: c.projectNumber,
    creationTimestamp: gceTimestamp(Date.UTC(2020, 0, 1)),
    name: c.project,
    commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'f4cbp3yb5Zg=' },
    quotas: Object.entries(c.quotas).map(([metric, limit]) => ({
      metric,
      limit,
      usage: core.quotaUsage(metric, c.project),
    })),
    selfLink: core.link(`projects/${c.project}`),
    defaultServiceAccount: `${c.projectNumber}-compute@developer.gserviceaccount.com`,
    xpnProjectStatus: 'UNSPECIFIED_XPN_PROJECT_STATUS',
    defaultNetworkTier: 'PREMIUM',
    vmDnsSetting: 'ZONAL_ONLY',
  };
}

/** `compute.zones.*`, `compute.regions.*` and `compute.projects.get`. */
export const locationHandlers: Record<string, Handler> = {
  'compute.zones.get': (call, core) => {
    const zone = call.params.zone as string;
    core.checkZone(zone);
    return { status: 200, body: zoneBody(core, zone) };
  },
  'compute.zones.list': (call, core) =>
    listOf(
      core,
      call,
      'compute#zoneList',
      'zones',
      core.config.zones.map((z) => zoneBody(core, z)),
    ),
  'compute.regions.get': (call, core) => {
    const region = call.params.region as string;
    if (!regions(core).includes(region)) throw notFound(`projects/${core.config.project}/regions/${region}`);
    return { status: 200, body: regionBody(core, region) };
  },
  'compute.regions.list': (call, core) =>
    listOf(
      core,
      call,
      'compute#regionList',
      'regions',
      regions(core).map((r) => regionBody(core, r)),
    ),
  'compute.projects.get': (_call, core) => ({ status: 200, body: projectBody(core) }),
};
