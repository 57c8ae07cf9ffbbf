import { KINDS_IN_DEPENDENCY_ORDER } from '../model/gce.ts';
import type { ComputeBody, DesiredResource, ObservedResource, ResourceRef } from '../model/gce.ts';
import { parseResourceUrl, refOfUrl } from '../model/gce-urls.ts';
import type { CheckedPlan, PlanProblem, PlanStep } from '../model/plan.ts';
import { isOwnedBy, parseOwnership } from '../naming/ownership.ts';
import { diffBodies, topField } from './compare.ts';
import type { Difference } from './compare.ts';
import { orderAroundFirewalls } from './firewall-order.ts';
import { KIND_RULES } from './kind-rules.ts';
import { observedReferences, refKey } from './references.ts';

/** Whose resources a plan may change: one Ingress of one controller instance. */
export interface PlanOptions {
  readonly instanceId: string;
  /** The Ingress the desired graph belongs to; only its resources are ever changed or deleted. */
  readonly ingress: { readonly namespace: string; readonly name: string };
}

/** The inputs of plan break its contract (a duplicate resource, a dependency missing from desired). */
export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
}

const kindIndex = (ref: ResourceRef) => KINDS_IN_DEPENDENCY_ORDER.indexOf(ref.kind);
const byKindThenName = (a: ResourceRef, b: ResourceRef) =>
  kindIndex(a) - kindIndex(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function refOf(resource: ResourceRef): ResourceRef {
  return { kind: resource.kind, name: resource.name };
}

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') {
    const text = parseResourceUrl(value)?.name ?? value;
    return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '(changed)';
}

function describe(differences: readonly Difference[]): string {
  const parts = differences.slice(0, 5).map((d) => {
    const scalar = (v: unknown) => v === undefined || typeof v !== 'object';
    return scalar(d.desired) && scalar(d.observed)
      ? `${d.path} ${show(d.observed)} -> ${show(d.desired)}`
      : `${d.path} changed`;
  });
  if (differences.length > 5) parts.push(`and ${differences.length - 5} more`);
  return parts.join('; ');
}

function owner(description: unknown): string {
  const found = parseOwnership(description);
  if (found === undefined) return 'it has no ownership marker of this controller';
  return `it belongs to Ingress ${found.namespace}/${found.name} of controller instance ${found.instanceId}`;
}

function pick(body: ComputeBody, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(body, f)).map((f) => [f, body[f]]));
}

/**
 * The forwarding rule's desired body as GCE would show it: the address URL replaced by the
 * address's literal IP when the address is observed (GCE stores the IP, not the reference).
 */
function comparableBody(
  resource: DesiredResource,
  observed: ReadonlyMap<string, ObservedResource>,
): ComputeBody {
  if (resource.kind !== 'globalForwardingRules' || typeof resource.body.IPAddress !== 'string')
    return resource.body;
  const ref = refOfUrl(resource.body.IPAddress);
  const address = ref === undefined ? undefined : observed.get(refKey(ref));
  const ip = address?.body.address;
  return typeof ip === 'string' ? { ...resource.body, IPAddress: ip } : resource.body;
}

function planChange(
  resource: DesiredResource,
  current: ObservedResource,
  observed: ReadonlyMap<string, ObservedResource>,
): PlanStep {
  const rules = KIND_RULES[resource.kind];
  const differences = diffBodies(comparableBody(resource, observed), current.body, rules, rules.compared);
  const ref = refOf(resource);
  if (differences.length === 0) return { ...ref, op: 'nothing', reason: 'up to date', dependsOn: [] };

  const fingerprint = typeof current.body.fingerprint === 'string' ? current.body.fingerprint : undefined;
  const withFingerprint = fingerprint === undefined ? {} : { fingerprint };
  const changed = [...new Set(differences.map((d) => topField(d.path)))];
  const immutable = changed.filter((field) => rules.recreateOn.includes(field));
  if (immutable.length > 0) {
    return {
      ...ref,
      op: 'recreate',
      reason: `${describe(differences)}; ${immutable.join(', ')} cannot change in place`,
      body: resource.body,
      ...withFingerprint,
      dependsOn: resource.dependsOn,
    };
  }
  const method = rules.updateMethod(changed);
  if (method === undefined) {
    return {
      ...ref,
      op: 'nothing',
      reason: `${describe(differences)}; cannot change in place, left as it is`,
      dependsOn: [],
    };
  }
  let body: ComputeBody;
  switch (method) {
    case 'update':
    case 'patch':
      body = {
        ...(rules.compared === undefined ? resource.body : pick(resource.body, rules.compared)),
        ...withFingerprint,
      };
      break;
    case 'setUrlMap':
      body = { urlMap: resource.body.urlMap };
      break;
    case 'setSslCertificates':
      body = { sslCertificates: resource.body.sslCertificates };
      break;
    case 'setTarget':
      body = { target: resource.body.target };
      break;
  }
  return {
    ...ref,
    op: 'update',
    method,
    reason: describe(differences),
    body,
    ...withFingerprint,
    dependsOn: resource.dependsOn,
  };
}

function checkUnique(resources: readonly ResourceRef[], what: string): void {
  const seen = new Set<string>();
  for (const resource of resources) {
    const key = refKey(resource);
    if (seen.has(key)) throw new PlanInputError(`${what} lists ${key} twice`);
    seen.add(key);
  }
}

/**
 * Plans the changes that turn `observed` into `desired` for one Ingress. Pure: the plan is data.
 *
 * - Every desired resource gets a step: `create` when absent; `nothing` when it matches (only the
 *   fields the desired body sets are compared, after normalising server defaults, output-only
 *   fields and reference forms); `update` with the kind's method (health checks, URL maps and
 *   firewalls `update`, backend services `patch`, proxies `setUrlMap`/`setSslCertificates` or
 *   `patch` when both change, forwarding rules `setTarget`) and the observed fingerprint;
 *   `recreate` for what GCE cannot change in place (a forwarding rule's IP, port, protocol or
 *   scheme; a firewall's network). Addresses and certificates are never changed (an address
 *   keeps the VIP; a certificate's name carries its content).
 * - `external` desired resources are only checked: a missing one is a problem.
 * - An observed resource we would create or change but which lacks the ownership marker of this
 *   instance and Ingress is never touched: its step is `nothing` and it is a problem.
 * - Observed resources with this instance's and Ingress's marker that are not desired are deleted;
 *   nothing else ever is.
 * - `dependsOn` names the resources a step's resource references, each of which has a step in
 *   this plan: for a create, what its body references; for an update or recreate, that and what
 *   its observed body references and this plan deletes; for a delete, what its observed body
 *   references. An applier runs a create, update or recreate after the non-delete steps it
 *   names, and a delete of R after every step that names R. So creates and updates go in
 *   dependency order, deletes in reverse, and a rotated certificate is created, the proxy
 *   repointed, then the old certificate deleted. (This is how src/apply reads it.)
 * - `dependsOn` also carries the order of firewall changes, which reference nothing (see
 *   `orderAroundFirewalls`): a firewall step that only opens (a create, an update that only adds)
 *   is named by every backend service create, update or recreate, so it goes first; one that
 *   closes anything (an update that removes, even if it also adds; a recreate) names every
 *   create, update or recreate of backend services, URL maps, target proxies and forwarding rules,
 *   so it goes last; a firewall delete is named by every backend service step and every other
 *   firewall write, so it goes after them.
 *
 * Steps are listed creates-first in dependency order, then deletes in reverse order. Throws
 * PlanInputError when a list names a resource twice or a desired dependency is not desired.
 */
export function plan(
  observed: readonly ObservedResource[],
  desired: readonly DesiredResource[],
  options: PlanOptions,
): CheckedPlan {
  checkUnique(observed, 'observed');
  checkUnique(desired, 'desired');
  const desiredKeys = new Set(desired.map(refKey));
  for (const resource of desired) {
    for (const dep of resource.dependsOn) {
      if (!desiredKeys.has(refKey(dep))) {
        throw new PlanInputError(
          `desired ${refKey(resource)} depends on ${refKey(dep)}, which is not desired`,
        );
      }
    }
  }
  const observedByKey = new Map(observed.map((r) => [refKey(r), r] as const));
  const ours = (resource: ObservedResource) =>
    isOwnedBy(resource.body.description, options.instanceId, options.ingress);
  const steps: PlanStep[] = [];
  const problems: PlanProblem[] = [];

  for (const resource of [...desired].sort(byKindThenName)) {
    const ref = refOf(resource);
    const current = observedByKey.get(refKey(resource));
    if (resource.external === true) {
      if (current === undefined) {
        problems.push({
          ...ref,
          code: 'ExternalMissing',
          message: `${refKey(ref)} is named by the Ingress but does not exist`,
        });
      }
      const reason = current === undefined ? 'not ours, and missing' : 'not ours; exists';
      steps.push({ ...ref, op: 'nothing', reason, dependsOn: [] });
    } else if (current === undefined) {
      steps.push({
        ...ref,
        op: 'create',
        reason: 'does not exist',
        body: resource.body,
        dependsOn: resource.dependsOn,
      });
    } else if (!ours(current)) {
      problems.push({
        ...ref,
        code: 'NotOwned',
        message: `${refKey(ref)} exists but ${owner(current.body.description)}`,
      });
      steps.push({ ...ref, op: 'nothing', reason: 'exists but is not ours; left alone', dependsOn: [] });
    } else {
      steps.push(planChange(resource, current, observedByKey));
    }
  }

  // Deletes run in reverse dependency order: forwarding rules first, health checks last.
  const deletions = observed
    .filter((r) => !desiredKeys.has(refKey(r)) && ours(r))
    .sort((a, b) => kindIndex(b) - kindIndex(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // dependsOn names what a step's resource references. A delete keeps what its observed body
  // references, so it runs before their deletes; an update or recreate also names what its
  // observed body references and this plan deletes, so that delete waits for the repointing
  // (create the new certificate, repoint the proxy, then delete the old one).
  const references = observedReferences(observed);
  const deleted = new Set(deletions.map(refKey));
  const stepKeys = new Set([...steps.map(refKey), ...deleted]);
  const withDeleted = (step: PlanStep): PlanStep => {
    if (step.op !== 'update' && step.op !== 'recreate') return step;
    const old = (references.get(refKey(step)) ?? []).filter((r) => deleted.has(refKey(r)));
    const names = new Set(step.dependsOn.map(refKey));
    const extra = old.filter((r) => !names.has(refKey(r))).sort(byKindThenName);
    return extra.length === 0 ? step : { ...step, dependsOn: [...step.dependsOn, ...extra] };
  };
  const all = steps.map(withDeleted);
  for (const resource of deletions) {
    const fingerprint =
      typeof resource.body.fingerprint === 'string' ? { fingerprint: resource.body.fingerprint } : {};
    all.push({
      ...refOf(resource),
      op: 'delete',
      reason: 'ours and no longer desired',
      ...fingerprint,
      dependsOn: (references.get(refKey(resource)) ?? [])
        .filter((r) => stepKeys.has(refKey(r)))
        .sort(byKindThenName),
    });
  }
  const desiredByKey = new Map(desired.map((r) => [refKey(r), r] as const));
  return { steps: orderAroundFirewalls(all, observedByKey, desiredByKey), problems };
}
