import type { ComputeBody, ObservedResource, ResourceKind, ResourceRef } from '../model/gce.ts';
import type { PlanStep } from '../model/plan.ts';
import { diffBodies, topField } from './compare.ts';
import { KIND_RULES } from './kind-rules.ts';
import { refKey } from './references.ts';

/** What a firewall step does to the traffic the rule lets through. */
export interface FirewallChange {
  /** It lets through something the rule did not (a port, a node tag, a source range). */
  readonly opens: boolean;
  /** It stops something the rule let through, or changes what we cannot judge. */
  readonly closes: boolean;
}

// Lists where "every list of the group empty" means "everything": an ingress rule with no source
// applies to every source, one with no target to every instance of the network.
const SOURCES = ['sourceRanges', 'sourceTags', 'sourceServiceAccounts'] as const;
const TARGETS = ['targetTags', 'targetServiceAccounts'] as const;
// Fields judged one by one below; any other compared field that differs (priority, direction,
// disabled, denied, ...) is judged as closing, the order that never cuts live traffic.
const JUDGED = new Set<string>(['name', 'description', 'allowed', ...SOURCES, ...TARGETS]);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether `to` lets through something `from` did not (`opens`) and the reverse (`closes`). */
function compareGroup(from: ComputeBody, to: ComputeBody, fields: readonly string[]): FirewallChange {
  const everything = (body: ComputeBody) => fields.every((f) => strings(body[f]).length === 0);
  if (everything(from) || everything(to)) {
    const same = everything(from) === everything(to);
    return { opens: !same && everything(to), closes: !same && everything(from) };
  }
  let opens = false;
  let closes = false;
  for (const field of fields) {
    const was = new Set(strings(from[field]));
    const will = new Set(strings(to[field]));
    opens ||= [...will].some((v) => !was.has(v));
    closes ||= [...was].some((v) => !will.has(v));
  }
  return { opens, closes };
}

type PortRange = readonly [number, number];

/** Allowed ports by lower-cased protocol; `all` when an entry lists no ports (every port). */
function grants(body: ComputeBody): Map<string, 'all' | string[]> {
  const out = new Map<string, 'all' | string[]>();
  const entries = Array.isArray(body.allowed) ? (body.allowed as unknown[]) : [];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') continue;
    const { IPProtocol, ports } = entry as Record<string, unknown>;
    const protocol = String(IPProtocol ?? '').toLowerCase();
    const list = strings(ports);
    const had = out.get(protocol);
    if (list.length === 0 || had === 'all') out.set(protocol, 'all');
    else out.set(protocol, [...(had ?? []), ...list]);
  }
  return out;
}

function parseRange(port: string): PortRange | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(port.trim());
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2] ?? match[1])];
}

/**
 * Whether `by` lets through every (protocol, port) that `from` does. A range is covered only by
 * one range that holds it whole; one split over several entries counts as not covered, which
 * only errs towards the order that never cuts live traffic.
 */
function covers(by: Map<string, 'all' | string[]>, from: Map<string, 'all' | string[]>): boolean {
  if (by.get('all') === 'all') return true;
  for (const [protocol, ports] of from) {
    const allowed = by.get(protocol);
    if (allowed === 'all') continue;
    if (allowed === undefined || ports === 'all') return false;
    const ranges = allowed.map(parseRange);
    for (const port of ports) {
      const want = parseRange(port);
      const held =
        want === undefined
          ? allowed.includes(port)
          : ranges.some((r) => r !== undefined && r[0] <= want[0] && want[1] <= r[1]);
      if (!held) return false;
    }
  }
  return true;
}

/**
 * How a firewall step changes what the rule lets through: a create only opens, a delete only
 * closes, a recreate does both (between its delete and its insert no rule exists), and an update
 * opens when the desired rule allows a port, source or target the observed one does not, and
 * closes in the reverse case (an update is a PUT, so sources or targets the observed rule has and
 * the desired one omits go too). A change of any other compared field counts as closing. Pure;
 * never throws.
 */
export function classifyFirewallChange(
  op: PlanStep['op'],
  observed: ComputeBody | undefined,
  desired: ComputeBody | undefined,
): FirewallChange {
  if (op === 'nothing') return { opens: false, closes: false };
  if (op === 'create') return { opens: true, closes: false };
  if (op === 'delete') return { opens: false, closes: true };
  if (op === 'recreate' || observed === undefined || desired === undefined)
    return { opens: true, closes: true };
  const sources = compareGroup(observed, desired, SOURCES);
  const targets = compareGroup(observed, desired, TARGETS);
  const was = grants(observed);
  const will = grants(desired);
  const rules = KIND_RULES.firewalls;
  const unjudged = diffBodies(desired, observed, rules).some((d) => !JUDGED.has(topField(d.path)));
  return {
    opens: sources.opens || targets.opens || !covers(was, will),
    closes: sources.closes || targets.closes || !covers(will, was) || unjudged,
  };
}

/** Kinds that decide which backends get traffic; a narrowing firewall waits for their steps. */
const ROUTING_KINDS: ReadonlySet<ResourceKind> = new Set([
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'targetHttpsProxies',
  'globalForwardingRules',
]);

const writes = (step: PlanStep) => step.op === 'create' || step.op === 'update' || step.op === 'recreate';
const refOf = (step: PlanStep): ResourceRef => ({ kind: step.kind, name: step.name });

/**
 * Adds to `dependsOn` the order firewall changes need against the load balancer's backends, so
 * that the rule never blocks a backend GCLB is sending traffic to. These entries are ordering, not
 * references; the applier reads them the same way (a create, update or recreate waits for the
 * non-delete steps it names; a delete of R waits for every step naming R):
 *
 * - A firewall step that only opens (a create, an update that only adds ports, tags or ranges)
 *   goes first: every backend service create, update or recreate names it, so the backends it
 *   attaches pass their health checks from the start. URL maps, proxies and forwarding rules only
 *   route to backend services, which either exist already (and the rule lets them through) or
 *   are written in this plan after the rule; so they do not wait.
 * - A firewall step that closes anything goes last: it names every create, update and recreate of
 *   backend services, URL maps, target proxies and forwarding rules, so traffic has left the old
 *   backends (groups detached, URL map repointed) before the rule stops letting it through.
 *   Deletes of those kinds are not waited for: `dependsOn` cannot make a write wait for a delete
 *   (naming the deleted resource would make its delete wait for the firewall instead), and none
 *   is needed: a backend service is deleted only once no URL map routes to it, and the URL map
 *   update that stops routing to it is one of the steps the firewall waits for.
 * - An update that both opens and closes (a backend port 80 -> 81) goes last, as one that closes.
 *   Going first would block the old port while the URL map still routes to the backends behind
 *   it; going last leaves the backends new to the load balancer unhealthy until the rule is
 *   written, and GCLB sends a backend no traffic until its health check passes. Doing both safely
 *   needs two writes (widen, then narrow), which one step per resource cannot express.
 * - A firewall delete goes after the backend services are gone or detached from the groups it
 *   let through (every backend service step names it) and after the firewall steps that stay or
 *   arrive (each names it), so a rule that moves to another network opens before the old closes.
 *
 * No cycle can follow: nothing waits for a firewall delete but through these names, a closing
 * firewall step is named by no other step, and an opening one waits for nothing it gains here.
 * Pure; never throws. `observed` and `desired` hold bodies by {@link refKey}.
 */
export function orderAroundFirewalls(
  steps: readonly PlanStep[],
  observed: ReadonlyMap<string, ObservedResource>,
  desired: ReadonlyMap<string, { readonly body: ComputeBody }>,
): PlanStep[] {
  const opening: ResourceRef[] = [];
  const closing = new Set<string>();
  const deleted: ResourceRef[] = [];
  for (const step of steps) {
    if (step.kind !== 'firewalls') continue;
    if (step.op === 'delete') {
      deleted.push(refOf(step));
      continue;
    }
    const key = refKey(step);
    const change = classifyFirewallChange(step.op, observed.get(key)?.body, desired.get(key)?.body);
    if (change.closes) closing.add(key);
    else if (change.opens) opening.push(refOf(step));
  }
  if (opening.length === 0 && closing.size === 0 && deleted.length === 0) return [...steps];
  const routing = steps.filter((s) => ROUTING_KINDS.has(s.kind) && writes(s)).map(refOf);

  return steps.map((step) => {
    const extra: ResourceRef[] = [];
    if (step.kind === 'backendServices' && step.op !== 'nothing') {
      if (writes(step)) extra.push(...opening);
      extra.push(...deleted);
    }
    if (step.kind === 'firewalls' && writes(step)) {
      if (closing.has(refKey(step))) extra.push(...routing);
      extra.push(...deleted);
    }
    const names = new Set(step.dependsOn.map(refKey));
    const added: ResourceRef[] = [];
    for (const ref of extra) {
      if (names.has(refKey(ref))) continue;
      names.add(refKey(ref));
      added.push(ref);
    }
    return added.length === 0 ? step : { ...step, dependsOn: [...step.dependsOn, ...added] };
  });
}
