/**
 * Global backend services, the hub of the load balancer: at most one health check, up to 50
 * backends (instance groups or zonal NEGs, never both), balancing modes checked per group type,
 * capacityScaler 0 or 0.1-1.0, one balancing mode per instance group across services, a VM in at
 * most one load-balanced group, and the defaults the API echoes (timeout 30, affinity NONE,
 * scheme EXTERNAL, connection draining 0, capacityScaler 1, UTILIZATION with maxUtilization 0.8).
 * Also `getHealth`, which reports what tests set in the health registry.
 */
import { createHash } from 'node:crypto';
import type { Core, Handler } from '../core.ts';
import { ComputeError, invalidField } from '../errors.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { aggregatedList, crudHandlers, findRecord } from './crud.ts';
import type { BuildContext, KindSpec } from './kind.ts';

/** Backends per backend service (a hard limit of GCE). */
export const MAX_BACKENDS = 50;

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'H2C']);
const GLOBAL_SCHEMES = new Set(['EXTERNAL', 'EXTERNAL_MANAGED']);

function isInstanceGroup(record: ResourceRecord): boolean {
  return record.collection === 'instanceGroups';
}

function checkScaler(field: string, value: unknown, backendCount: number): void {
  const v = value as number;
  if (!(v === 0 || (v >= 0.1 && v <= 1)))
    throw invalidField(field, value, 'capacityScaler must be 0 or between 0.1 and 1.0.');
  if (v === 0 && backendCount === 1) {
    throw invalidField(
      field,
      value,
      'capacityScaler cannot be 0 when the backend service has only one backend.',
    );
  }
}

function buildBackend(
  core: Core,
  ctx: BuildContext,
  b: Json,
  i: number,
  count: number,
  protocol: string,
): { body: Json; group: ResourceRecord } {
  const field = `resource.backends[${i}]`;
  const group = core.resolve(`${field}.group`, b.group, {
    collections: ['instanceGroups', 'networkEndpointGroups'],
    project: ctx.project,
    fullUrlOnly: true,
  });
  const out: Json = { ...b, group: core.link(group.path) };
  out.capacityScaler ??= 1;
  checkScaler(`${field}.capacityScaler`, out.capacityScaler, count);
  if (isInstanceGroup(group)) {
    out.balancingMode ??= 'UTILIZATION';
    if (out.balancingMode === 'UTILIZATION') out.maxUtilization ??= 0.8;
    if (out.balancingMode === 'RATE' && out.maxRate === undefined && out.maxRatePerInstance === undefined) {
      throw invalidField(
        `${field}.balancingMode`,
        'RATE',
        'RATE balancing mode requires maxRate or maxRatePerInstance.',
      );
    }
    if (out.maxRatePerEndpoint !== undefined) {
      throw invalidField(
        `${field}.maxRatePerEndpoint`,
        out.maxRatePerEndpoint,
        'maxRatePerEndpoint is only valid for network endpoint groups.',
      );
    }
  } else {
    if (group.body.networkEndpointType !== 'GCE_VM_IP_PORT') {
      throw invalidField(
        `${field}.group`,
        b.group,
        'Only GCE_VM_IP_PORT network endpoint groups can back this backend service.',
      );
    }
    const mode = out.balancingMode ?? 'UTILIZATION';
    if (mode === 'UTILIZATION') {
      throw invalidField(
        `${field}.balancingMode`,
        mode,
        'UTILIZATION balancing mode is not supported for network endpoint groups.',
      );
    }
    if (mode === 'RATE' && out.maxRate === undefined && out.maxRatePerEndpoint === undefined) {
      throw invalidField(
        `${field}.balancingMode`,
        mode,
        'RATE balancing mode requires maxRate or maxRatePerEndpoint.',
      );
    }
    if (out.maxRatePerInstance !== undefined || out.maxUtilization !== undefined) {
      throw invalidField(
        `${field}`,
        '',
        'maxRatePerInstance and maxUtilization are not valid for network endpoint groups.',
      );
    }
  }
  if (out.balancingMode === 'CONNECTION' && HTTP_PROTOCOLS.has(protocol)) {
    throw invalidField(
      `${field}.balancingMode`,
      'CONNECTION',
      `CONNECTION balancing mode is not supported for protocol ${protocol}.`,
    );
  }
  return { body: out, group };
}

/** Throws when an instance group would carry two balancing modes across backend services. */
function checkOneModePerGroup(core: Core, self: string, backend: Json, i: number): void {
  for (const other of core.store.listAcrossScopes(core.config.project, 'backendServices')) {
    if (other.path === self) continue;
    for (const ob of (other.body.backends ?? []) as Json[]) {
      if (ob.group === backend.group && ob.balancingMode !== backend.balancingMode) {
        throw invalidField(
          `resource.backends[${i}].balancingMode`,
          backend.balancingMode,
          `Instance group '${String(backend.group)}' is already used by backend service '${other.path}' with balancing mode ${String(ob.balancingMode)}; all backend services using an instance group must use the same balancing mode.`,
        );
      }
    }
  }
}

/** Instance groups that are backends of some backend service, other than through `exceptService`. */
export function loadBalancedGroups(core: Core, exceptService?: string): Set<string> {
  const out = new Set<string>();
  for (const bs of core.store.listAcrossScopes(core.config.project, 'backendServices')) {
    if (bs.path === exceptService) continue;
    for (const body of bs.pending ? [bs.body, bs.pending.body] : [bs.body]) {
      for (const b of (body.backends ?? []) as Json[]) {
        const path = core.store.getByPath(String(b.group).replace(/^https?:\/\/[^/]+\/compute\/v1\//, ''));
        if (path && isInstanceGroup(path)) out.add(path.path);
      }
    }
  }
  return out;
}

/** The error GCE gives when a VM would sit in two load-balanced instance groups. */
export function multipleLbGroupsError(instancePath: string): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'instanceInMultipleLoadBalancedIgs',
    message: `Validation failed for instance '${instancePath}': instance may belong to at most one load-balanced instance group.`,
  });
}

/** Throws if any VM of the groups in `groups` is also in another load-balanced instance group. */
function checkVmInOneLbGroup(core: Core, self: string, groups: ResourceRecord[]): void {
  const lbGroups = loadBalancedGroups(core, self);
  for (const g of groups) lbGroups.add(g.path);
  const owner = new Map<string, string>();
  for (const gPath of lbGroups) {
    const g = core.store.getByPath(gPath);
    for (const member of (g?.aux.members ?? []) as string[]) {
      const seen = owner.get(member);
      if (seen && seen !== gPath) throw multipleLbGroupsError(member);
      owner.set(member, gPath);
    }
  }
}

function cdnDefaults(policy: Json): Json {
  return {
    cacheMode: 'CACHE_ALL_STATIC',
    clientTtl: 3600,
    defaultTtl: 3600,
    maxTtl: 86400,
    negativeCaching: true,
    requestCoalescing: true,
    serveWhileStale: 86400,
    signedUrlCacheMaxAgeSec: '3600',
    ...policy,
    cacheKeyPolicy: {
      includeHost: true,
      includeProtocol: true,
      includeQueryString: true,
      ...((policy.cacheKeyPolicy ?? {}) as Json),
    },
  };
}

/** The backendServices kind. */
export const backendServices: KindSpec = {
  resource: 'backendServices',
  collection: 'backendServices',
  scope: 'global',
  kind: 'compute#backendService',
  schema: 'BackendService',
  snakeType: 'backend_service',
  quotaMetric: 'BACKEND_SERVICES',
  fingerprint: true,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = { ...input };
    body.protocol ??= 'HTTP';
    body.loadBalancingScheme ??= 'EXTERNAL';
    if (!GLOBAL_SCHEMES.has(body.loadBalancingScheme as string)) {
      throw invalidField(
        'resource.loadBalancingScheme',
        body.loadBalancingScheme,
        'Only EXTERNAL and EXTERNAL_MANAGED are valid for a global backend service.',
      );
    }
    if (ctx.existing && ctx.existing.body.loadBalancingScheme !== body.loadBalancingScheme) {
      throw invalidField(
        'resource.loadBalancingScheme',
        body.loadBalancingScheme,
        'The load balancing scheme of a backend service cannot be changed.',
      );
    }
    body.port ??= 80;
    body.timeoutSec ??= 30;
    const timeout = body.timeoutSec as number;
    if (!(timeout >= 1 && timeout <= 86400))
      throw invalidField('resource.timeoutSec', timeout, 'Must be between 1 and 86400.');
    body.sessionAffinity ??= 'NONE';
    body.connectionDraining = { drainingTimeoutSec: 0, ...((body.connectionDraining ?? {}) as Json) };
    const draining = (body.connectionDraining as Json).drainingTimeoutSec as number;
    if (!(draining >= 0 && draining <= 3600)) {
      throw invalidField(
        'resource.connectionDraining.drainingTimeoutSec',
        draining,
        'Must be between 0 and 3600.',
      );
    }
    const hcs = (body.healthChecks ?? []) as unknown[];
    if (hcs.length > 1)
      throw invalidField(
        'resource.healthChecks',
        hcs.join(','),
        'A backend service can have at most one health check.',
      );
    body.healthChecks = hcs.map((h, i) =>
      core.link(
        core.resolve(`resource.healthChecks[${i}]`, h, {
          collections: ['healthChecks', 'httpHealthChecks', 'httpsHealthChecks'],
          project: ctx.project,
        }).path,
      ),
    );
    if (hcs.length === 0) delete body.healthChecks;
    const backends = (body.backends ?? []) as Json[];
    if (backends.length > MAX_BACKENDS) {
      throw invalidField(
        'resource.backends',
        '',
        `A backend service can have at most ${MAX_BACKENDS} backends.`,
      );
    }
    const built = backends.map((b, i) =>
      buildBackend(core, ctx, b, i, backends.length, body.protocol as string),
    );
    const seen = new Set<string>();
    built.forEach(({ body: b }, i) => {
      if (seen.has(b.group as string))
        throw invalidField(
          `resource.backends[${i}].group`,
          b.group,
          'Duplicate instance groups in backend service.',
        );
      seen.add(b.group as string);
    });
    const kinds = new Set(built.map((b) => b.group.collection));
    if (kinds.size > 1) {
      throw invalidField(
        'resource.backends',
        '',
        'A backend service cannot mix instance group and network endpoint group backends.',
      );
    }
    if (built.length > 0 && hcs.length === 0) {
      throw invalidField(
        'resource.healthChecks',
        '',
        'A backend service with instance group or network endpoint group backends must have a health check.',
      );
    }
    const groups = built.filter((b) => isInstanceGroup(b.group)).map((b) => b.group);
    built.forEach(({ body: b, group }, i) => {
      if (isInstanceGroup(group)) checkOneModePerGroup(core, ctx.path, b, i);
    });
    if (groups.length > 0) checkVmInOneLbGroup(core, ctx.path, groups);
    if (built.length > 0) body.backends = built.map((b) => b.body);
    else delete body.backends;
    if (body.enableCDN === true) body.cdnPolicy = cdnDefaults((body.cdnPolicy ?? {}) as Json);
    if (body.logConfig) {
      const log = { ...(body.logConfig as Json) };
      if (log.enable === true) log.sampleRate ??= 1;
      const rate = log.sampleRate;
      if (rate !== undefined && !((rate as number) >= 0 && (rate as number) <= 1)) {
        throw invalidField('resource.logConfig.sampleRate', rate, 'Must be between 0 and 1.');
      }
      body.logConfig = log;
    }
    if (body.iap) {
      const iap = { ...(body.iap as Json) };
      if (typeof iap.oauth2ClientSecret === 'string') {
        iap.oauth2ClientSecretSha256 = createHash('sha256').update(iap.oauth2ClientSecret).digest('hex');
      } else {
        const previous = (ctx.existing?.body.iap as Json | undefined)?.oauth2ClientSecretSha256;
        if (previous) iap.oauth2ClientSecretSha256 = previous;
      }
      delete iap.oauth2ClientSecret;
      body.iap = iap;
    }
    // securityPolicy is output-only here (set through setSecurityPolicy), so an update keeps it.
    if (ctx.existing?.body.securityPolicy) body.securityPolicy = ctx.existing.body.securityPolicy;
    return { body };
  },
  references(body) {
    const refs = ((body.healthChecks ?? []) as string[]).map(stripBase);
    for (const b of (body.backends ?? []) as Json[]) refs.push(stripBase(String(b.group)));
    return refs;
  },
  present(record, core) {
    const users = core.users(record.path).filter((u) => u.collection === 'urlMaps');
    if (users.length === 0) return record.body;
    const { selfLink, ...rest } = record.body;
    return { ...rest, selfLink, usedBy: users.map((u) => ({ reference: core.link(u.path) })) };
  },
};

/** A canonical path from a link on any host. */
export function stripBase(link: string): string {
  return link.replace(/^https?:\/\/[^/]+\/compute\/v1\//, '');
}

/** The health of every backend of one group, as getHealth reports it. */
export function groupHealth(core: Core, service: ResourceRecord, group: ResourceRecord): Json[] {
  const fallback = core.config.defaultHealthState;
  const hasCheck = ((service.body.healthChecks ?? []) as unknown[]).length > 0;
  if (isInstanceGroup(group)) {
    const namedPorts = (group.body.namedPorts ?? []) as Json[];
    const named = namedPorts.find((p) => p.name === service.body.portName);
    const port = (named?.port as number | undefined) ?? (service.body.port as number);
    return ((group.aux.members ?? []) as string[]).flatMap((m) => {
      const vm = core.store.getByPath(m);
      if (!vm) return [];
      const nic = ((vm.body.networkInterfaces ?? []) as Json[])[0] ?? {};
      return [
        {
          ipAddress: nic.networkIP,
          port,
          instance: core.link(m),
          healthState: hasCheck ? (core.health.instance(m) ?? fallback) : 'UNKNOWN',
        },
      ];
    });
  }
  return ((group.aux.endpoints ?? []) as Json[]).map((e) => {
    const instancePath = `projects/${group.project}/${group.scope.kind === 'zone' ? `zones/${group.scope.zone}` : 'global'}/instances/${String(e.instance)}`;
    return {
      ipAddress: e.ipAddress,
      port: e.port,
      instance: core.link(instancePath),
      healthState: hasCheck
        ? (core.health.endpoint(group.path, String(e.ipAddress), e.port as number, instancePath) ?? fallback)
        : 'UNKNOWN',
    };
  });
}

const getHealth: Handler = (call, core) => {
  const service = findRecord(core, backendServices, call);
  const input = checkBody(
    'ResourceGroupReference',
    call.body,
    core.config.rejectUnknownFields,
    'resourceGroupReference',
  );
  const group = core.resolve('resourceGroupReference.group', input.group, {
    collections: ['instanceGroups', 'networkEndpointGroups'],
    project: service.project,
  });
  const isBackend = ((service.body.backends ?? []) as Json[]).some(
    (b) => stripBase(String(b.group)) === group.path,
  );
  if (!isBackend) {
    throw invalidField(
      'resourceGroupReference.group',
      input.group,
      `Resource is not a backend of backend service '${service.path}'.`,
    );
  }
  const healthStatus = groupHealth(core, service, group);
  const body: Json = { kind: 'compute#backendServiceGroupHealth' };
  if (healthStatus.length > 0) body.healthStatus = healthStatus;
  return { status: 200, body };
};

/** `compute.backendServices.*`. */
export const backendServiceHandlers: Record<string, Handler> = {
  ...crudHandlers(backendServices, ['insert', 'get', 'list', 'delete', 'update', 'patch']),
  'compute.backendServices.getHealth': getHealth,
  'compute.backendServices.aggregatedList': aggregatedList(backendServices),
};
