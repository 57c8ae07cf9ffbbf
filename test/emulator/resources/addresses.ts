/**
 * Global static addresses. An insert without `address` is given the next free IP of the static
 * pool; an insert naming an IP reserves exactly that one, which is how an ephemeral IP already used
 * by a forwarding rule is promoted to static. `status` (RESERVING, RESERVED, IN_USE) and `users[]`
 * follow the forwarding rules holding the IP. Nothing but labels changes after creation.
 */
import type { Core, Handler } from '../core.ts';
import { ComputeError, inUse, invalidField } from '../errors.ts';
import { cidrContains, ipToInt } from '../ip.ts';
import type { Json } from '../schema.ts';
import type { ResourceRecord } from '../store.ts';
import { aggregatedList, crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

/** Forwarding rules (any state) whose IPAddress is `ip`. */
export function rulesUsingIp(core: Core, ip: unknown): ResourceRecord[] {
  return core.store
    .listAcrossScopes(core.config.project, 'forwardingRules')
    .filter((r) => r.body.IPAddress === ip);
}

/** True if some reserved address or forwarding rule holds `ip`. */
export function ipTaken(core: Core, ip: string): boolean {
  return (
    core.store.listAcrossScopes(core.config.project, 'addresses').some((a) => a.body.address === ip) ||
    rulesUsingIp(core, ip).length > 0
  );
}

/** The global address reserving `ip`, if any. */
export function addressWithIp(core: Core, ip: string): ResourceRecord | undefined {
  return core.store
    .list(core.config.project, { kind: 'global' }, 'addresses')
    .find((a) => a.body.address === ip);
}

/** The globalAddresses kind. */
export const addresses: KindSpec = {
  resource: 'globalAddresses',
  collection: 'addresses',
  scope: 'global',
  kind: 'compute#address',
  schema: 'Address',
  snakeType: 'address',
  quotaMetric: 'STATIC_ADDRESSES',
  fingerprint: false,
  labels: true,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = { ...input };
    body.addressType ??= 'EXTERNAL';
    body.ipVersion ??= 'IPV4';
    if (body.ipVersion !== 'IPV4')
      throw invalidField(
        'resource.ipVersion',
        body.ipVersion,
        'Only IPV4 addresses are available in this project.',
      );
    if (body.addressType === 'EXTERNAL') {
      body.networkTier ??= 'PREMIUM';
      if (body.networkTier !== 'PREMIUM') {
        throw invalidField(
          'resource.networkTier',
          body.networkTier,
          'Global external addresses must use the PREMIUM network tier.',
        );
      }
    }
    if (body.network !== undefined) {
      body.network = core.link(
        core.resolve('resource.network', body.network, { collections: ['networks'], project: ctx.project })
          .path,
      );
    }
    if (body.address !== undefined) {
      const ip = body.address as string;
      if (ipToInt(ip) === undefined) throw invalidField('resource.address', ip, 'Must be an IPv4 address.');
      if (addressWithIp(core, ip)) {
        if (body.addressType === 'INTERNAL') {
          throw new ComputeError({
            code: 409,
            reason: 'alreadyExists',
            message: `IP address '${ip}' is already reserved.`,
          });
        }
        throw invalidField('resource.address', ip, 'Specified IP address is already reserved.');
      }
      const promoted = rulesUsingIp(core, ip).length > 0;
      const ours =
        body.addressType === 'INTERNAL' ? cidrContains('10.0.0.0/8', ip) : cidrContains('198.18.0.0/15', ip);
      if (!promoted && !ours)
        throw invalidField('resource.address', ip, 'Specified IP address is not available to this project.');
    } else {
      body.address = core.ips.allocate(
        body.addressType === 'INTERNAL' ? 'region:global-internal' : 'static',
        (ip) => ipTaken(core, ip),
      );
    }
    return { body };
  },
  present(record, core) {
    const users = rulesUsingIp(core, record.body.address).filter((r) => r.state !== 'deleting');
    const status = record.state === 'creating' ? 'RESERVING' : users.length > 0 ? 'IN_USE' : 'RESERVED';
    const body: Json = { ...record.body, status };
    if (users.length > 0) body.users = users.map((u) => core.link(u.path));
    return body;
  },
  beforeDelete(record, core) {
    if (core.config.addressDeleteWhileInUse === 'allow') return;
    const user = rulesUsingIp(core, record.body.address)[0];
    if (user) throw inUse('address', record.path, user.path);
  },
};

/** `compute.globalAddresses.*` and `compute.addresses.aggregatedList` (global addresses under `global`). */
export const addressHandlers: Record<string, Handler> = {
  ...crudHandlers(addresses, ['insert', 'get', 'list', 'delete', 'setLabels'], () => false),
  'compute.addresses.aggregatedList': aggregatedList(addresses),
};
