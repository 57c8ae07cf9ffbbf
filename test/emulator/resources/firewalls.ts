/**
 * VPC firewall rules: exactly one of `allowed`/`denied`, protocols and port ranges checked, the
 * network defaulting to `default`, direction INGRESS, priority 1000, and an ingress rule without
 * sources applying to 0.0.0.0/0. PUT replaces everything (unset fields are cleared, then
 * defaulted again); PATCH merges. No fingerprint.
 */
import { invalidField } from '../errors.ts';
import { isCidr } from '../ip.ts';
import { isValidName } from '../names.ts';
import type { Json } from '../schema.ts';
import { stripBase } from './backend-services.ts';
import { crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'ah', 'sctp', 'ipip', 'all']);
const PORTED = new Set(['tcp', 'udp', 'sctp', '6', '17', '132']);

function checkRules(field: string, rules: Json[]): void {
  rules.forEach((rule, i) => {
    const proto = String(rule.IPProtocol ?? '').toLowerCase();
    if (!NAMED_PROTOCOLS.has(proto) && !(/^\d{1,3}$/.test(proto) && Number(proto) <= 255)) {
      throw invalidField(`${field}[${i}].IPProtocol`, rule.IPProtocol ?? '', 'Invalid IP protocol.');
    }
    const ports = (rule.ports ?? []) as unknown[];
    if (ports.length > 0 && !PORTED.has(proto)) {
      throw invalidField(
        `${field}[${i}].ports`,
        ports.join(','),
        'Ports can only be given for tcp, udp and sctp.',
      );
    }
    ports.forEach((p, j) => {
      const m = typeof p === 'string' ? /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p) : null;
      const lo = Number(m?.[1]);
      const hi = Number(m?.[2] ?? m?.[1]);
      if (!m || lo > 65535 || hi > 65535 || lo > hi)
        throw invalidField(`${field}[${i}].ports[${j}]`, p, 'Invalid port or port range.');
    });
  });
}

function checkRanges(field: string, ranges: unknown): void {
  ((ranges ?? []) as unknown[]).forEach((r, i) => {
    if (typeof r !== 'string' || !isCidr(r))
      throw invalidField(`${field}[${i}]`, r, 'Invalid IPv4 CIDR range.');
  });
}

/** The firewalls kind. */
export const firewalls: KindSpec = {
  resource: 'firewalls',
  collection: 'firewalls',
  scope: 'global',
  kind: 'compute#firewall',
  schema: 'Firewall',
  snakeType: 'firewall',
  quotaMetric: 'FIREWALLS',
  fingerprint: false,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = { ...input };
    const allowed = (input.allowed ?? []) as Json[];
    const denied = (input.denied ?? []) as Json[];
    if (allowed.length > 0 === denied.length > 0) {
      throw invalidField('resource.allowed', '', 'Exactly one of allowed or denied must be specified.');
    }
    checkRules('resource.allowed', allowed);
    checkRules('resource.denied', denied);
    body.network = core.link(
      core.resolve('resource.network', input.network ?? 'global/networks/default', {
        collections: ['networks'],
        project: ctx.project,
      }).path,
    );
    body.direction ??= 'INGRESS';
    body.priority ??= 1000;
    const priority = body.priority as number;
    if (!(Number.isInteger(priority) && priority >= 0 && priority <= 65535)) {
      throw invalidField('resource.priority', priority, 'Must be between 0 and 65535.');
    }
    checkRanges('resource.sourceRanges', body.sourceRanges);
    checkRanges('resource.destinationRanges', body.destinationRanges);
    if (body.direction === 'INGRESS') {
      const hasSource = ['sourceRanges', 'sourceTags', 'sourceServiceAccounts'].some(
        (k) => ((body[k] ?? []) as unknown[]).length > 0,
      );
      if (!hasSource) body.sourceRanges = ['0.0.0.0/0'];
    } else if (((body.sourceTags ?? []) as unknown[]).length > 0) {
      throw invalidField('resource.sourceTags', '', 'Source tags cannot be used with EGRESS rules.');
    }
    ((body.targetTags ?? []) as unknown[]).forEach((t, i) => {
      if (!isValidName(t)) throw invalidField(`resource.targetTags[${i}]`, t, 'Invalid network tag.');
    });
    body.disabled ??= false;
    body.logConfig ??= { enable: false };
    return { body };
  },
  references: (body) => [stripBase(String(body.network))],
};

/** `compute.firewalls.*`. */
export const firewallHandlers = crudHandlers(firewalls, [
  'insert',
  'get',
  'list',
  'delete',
  'update',
  'patch',
]);
