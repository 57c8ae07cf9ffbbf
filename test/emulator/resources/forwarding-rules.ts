/**
 * Global forwarding rules for classic Application Load Balancers. The IP is a reserved address
 * (by IP, name or URL) or, when omitted, an ephemeral one; GET always returns the literal IP and a
 * `N-N` port range. Ports are 80/8080 for HTTP proxies and 443 for HTTPS proxies; two rules may
 * share an IP only on different ports. Everything is immutable except the target (`setTarget`,
 * same proxy type), labels, and `networkTier` through PATCH.
 */
import type { Core, Handler } from '../core.ts';
import { invalidField, required } from '../errors.ts';
import { ipToInt } from '../ip.ts';
import type { ResourcePath } from '../links.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { addressWithIp, ipTaken, rulesUsingIp } from './addresses.ts';
import { stripBase } from './backend-services.ts';
import { crudHandlers, aggregatedList, findRecord, replaceBody, writable } from './crud.ts';
import type { KindSpec } from './kind.ts';

const PORTS_BY_TARGET: Record<string, readonly number[]> = {
  targetHttpProxies: [80, 8080],
  targetHttpsProxies: [443],
};

function parsePortRange(value: unknown): [number, number] {
  const m = typeof value === 'string' ? /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value) : null;
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2] ?? m?.[1]);
  if (!m || lo < 1 || hi > 65535 || lo > hi)
    throw invalidField('resource.portRange', value, 'Invalid port range.');
  return [lo, hi];
}

function resolveTarget(core: Core, project: string, field: string, value: unknown): ResourceRecord {
  if (value === undefined) throw required(field);
  return core.resolve(field, value, { collections: ['targetHttpProxies', 'targetHttpsProxies'], project });
}

function resolveIp(core: Core, project: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw invalidField('resource.IPAddress', value, 'The URL is malformed.');
  if (ipToInt(value) !== undefined) {
    const address = addressWithIp(core, value);
    if (!address && rulesUsingIp(core, value).length === 0) {
      throw invalidField(
        'resource.IPAddress',
        value,
        'Specified IP address is not reserved in this project.',
      );
    }
    if (address) core.requireReady(parseAddress(address));
    return value;
  }
  const address = core.resolve('resource.IPAddress', value, {
    collections: ['addresses'],
    project,
    bareName: !value.includes('/'),
  });
  if (address.body.addressType !== 'EXTERNAL') {
    throw invalidField(
      'resource.IPAddress',
      value,
      'An INTERNAL address cannot be used by an external forwarding rule.',
    );
  }
  return address.body.address as string;
}

function parseAddress(record: ResourceRecord): ResourcePath {
  return { project: record.project, scope: record.scope, collection: record.collection, name: record.name };
}

/** The globalForwardingRules kind (stored under the `forwardingRules` collection). */
export const forwardingRules: KindSpec = {
  resource: 'globalForwardingRules',
  collection: 'forwardingRules',
  scope: 'global',
  kind: 'compute#forwardingRule',
  schema: 'ForwardingRule',
  snakeType: 'forwarding_rule',
  quotaMetric: 'FORWARDING_RULES',
  fingerprint: true,
  labels: true,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = { ...input };
    if (ctx.existing) return { body: { ...body, IPAddress: ctx.existing.body.IPAddress } };
    const target = resolveTarget(core, ctx.project, 'resource.target', input.target);
    body.target = core.link(target.path);
    body.IPProtocol ??= 'TCP';
    if (body.IPProtocol !== 'TCP')
      throw invalidField('resource.IPProtocol', body.IPProtocol, 'Target proxies only accept TCP.');
    body.loadBalancingScheme ??= 'EXTERNAL';
    if (body.loadBalancingScheme !== 'EXTERNAL' && body.loadBalancingScheme !== 'EXTERNAL_MANAGED') {
      throw invalidField(
        'resource.loadBalancingScheme',
        body.loadBalancingScheme,
        'Only EXTERNAL and EXTERNAL_MANAGED are valid for a global forwarding rule.',
      );
    }
    body.networkTier ??= 'PREMIUM';
    if (body.networkTier !== 'PREMIUM')
      throw invalidField(
        'resource.networkTier',
        body.networkTier,
        'Global forwarding rules must use the PREMIUM tier.',
      );
    if (input.portRange === undefined) throw required('resource.portRange');
    const [lo, hi] = parsePortRange(input.portRange);
    const allowed = PORTS_BY_TARGET[target.collection] ?? [];
    if (lo !== hi || !allowed.includes(lo)) {
      throw invalidField(
        'resource.portRange',
        input.portRange,
        `Port range must be one of ${allowed.join(', ')} for a ${target.collection} target.`,
      );
    }
    body.portRange = `${lo}-${hi}`;
    body.IPAddress =
      input.IPAddress === undefined
        ? core.ips.allocate('ephemeral', (ip) => ipTaken(core, ip))
        : resolveIp(core, ctx.project, input.IPAddress);
    for (const other of rulesUsingIp(core, body.IPAddress)) {
      if (other.body.IPProtocol === body.IPProtocol && other.body.portRange === body.portRange) {
        throw invalidField(
          'resource.IPAddress',
          body.IPAddress,
          'Specified IP address is in-use and would result in a conflict.',
        );
      }
    }
    return { body };
  },
  references: (body) => [stripBase(String(body.target))],
  checkPatch(existing, merged) {
    for (const key of new Set([...Object.keys(existing), ...Object.keys(merged)])) {
      if (key === 'networkTier' || key === 'labels') continue;
      if (JSON.stringify(existing[key]) !== JSON.stringify(merged[key])) {
        throw invalidField(
          `resource.${key}`,
          merged[key] ?? '',
          'Only networkTier can be patched on a forwarding rule.',
        );
      }
    }
    if (merged.networkTier !== 'PREMIUM')
      throw invalidField(
        'resource.networkTier',
        merged.networkTier,
        'Global forwarding rules must use the PREMIUM tier.',
      );
  },
};

const setTarget: Handler = (call, core) => {
  const record = findRecord(core, forwardingRules, call);
  core.assertIdle(record);
  const input = checkBody('TargetReference', call.body, core.config.rejectUnknownFields, 'targetReference');
  const target = resolveTarget(core, record.project, 'targetReference.target', input.target);
  const current = stripBase(String(record.body.target)).split('/')[3];
  if (target.collection !== current) {
    throw invalidField(
      'targetReference.target',
      input.target,
      `The new target must be a ${String(current)} like the current one.`,
    );
  }
  return replaceBody(call, core, forwardingRules, record, 'setTarget', {
    ...writable(forwardingRules, record.body),
    target: core.link(target.path),
  });
};

/** `compute.globalForwardingRules.*` and `compute.forwardingRules.aggregatedList` (global rules under `global`). */
export const forwardingRuleHandlers: Record<string, Handler> = {
  ...crudHandlers(forwardingRules, ['insert', 'get', 'list', 'delete', 'patch', 'setLabels']),
  'compute.globalForwardingRules.setTarget': setTarget,
  'compute.forwardingRules.aggregatedList': aggregatedList(forwardingRules),
};
