/**
 * A plan as a readable diff: each step that changes something, with the fields that differ
 * between what GCE has and what the controller wants, compared by the planner's own rules (so
 * the diff shows exactly what the plan would change, and nothing the planner ignores). Bodies
 * are never printed whole; secret values never at all. Pure.
 */
import type { ComputeBody, DesiredResource, ObservedResource, ResourceKind } from '../../model/gce.ts';
import { refOfUrl, relativeResourcePath } from '../../model/gce-urls.ts';
import type { CheckedPlan, PlanStep, UpdateMethod } from '../../model/plan.ts';
import { REDACTED, SecretValue } from '../../model/secret-value.ts';
import { diffBodies, KIND_RULES, refKey, type CompareRules, type Difference } from '../../plan/index.ts';

/** One field that would change: where, as GCE has it, as the controller wants it. */
export interface FieldChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** One resource the plan would change. */
export interface ResourceChange {
  readonly op: 'create' | 'update' | 'recreate' | 'delete';
  readonly kind: ResourceKind;
  readonly name: string;
  readonly method?: UpdateMethod;
  /** The planner's reason, in words. */
  readonly reason: string;
  /** For update and recreate: the fields that differ. */
  readonly fields: readonly FieldChange[];
}

/** A resource the plan leaves as it is, and why when that is worth saying. */
export interface ResourceKept {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly reason: string;
}

/** The plan, for people. */
export interface PlanDiff {
  readonly changes: readonly ResourceChange[];
  /** Steps that change nothing: up to date, not ours, or different but unchangeable. */
  readonly kept: readonly ResourceKept[];
  /** Why the plan cannot be applied as it is (a resource not ours, a missing external one). */
  readonly problems: readonly string[];
}

/** Shortens a Compute URL to its path after the API version (`projects/p/global/urlMaps/x`). */
function shortString(value: string): string {
  return relativeResourcePath(value).replace(/^projects\/[^/]+\//, '');
}

function shortened(value: unknown): unknown {
  if (value instanceof SecretValue) return REDACTED;
  if (typeof value === 'string') return shortString(value);
  if (Array.isArray(value)) return value.map(shortened);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortened(v)]));
  }
  return value;
}

/** A value as the diff shows it: `unset`, a number, a quoted string, or compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(shortened(value));
}

/** The key of a keyed-list element, as the comparison sorts by it. */
function keyOf(item: unknown, field: string): string {
  const value =
    item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? relativeResourcePath(value) : JSON.stringify(value ?? null);
}

function sortedBy(items: readonly unknown[], field: string): unknown[] {
  return [...items].sort((a, b) =>
    keyOf(a, field) < keyOf(b, field) ? -1 : keyOf(a, field) > keyOf(b, field) ? 1 : 0,
  );
}

/**
 * A difference path with the elements of keyed lists named by their key instead of their index
 * in sorted order: `backends[1].capacityScaler` → `backends[zones/z/networkEndpointGroups/n].capacityScaler`.
 */
export function labelPath(path: string, desired: unknown, rules: CompareRules): string {
  let label = '';
  let pattern = '';
  let current: unknown = desired;
  for (const [, field, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (field !== undefined) {
      label += label === '' ? field : `.${field}`;
      pattern += pattern === '' ? field : `.${field}`;
      current =
        current !== null && typeof current === 'object' && !Array.isArray(current)
          ? (current as Record<string, unknown>)[field]
          : undefined;
      continue;
    }
    const i = Number(index);
    const keyField = rules.keyedLists[pattern];
    if (keyField !== undefined && Array.isArray(current)) {
      const element = sortedBy(current, keyField)[i];
      label += `[${shortString(keyOf(element, keyField).replace(/^"|"$/g, ''))}]`;
      current = element;
    } else {
      label += `[${i}]`;
      current = Array.isArray(current) ? current[i] : undefined;
    }
    pattern += '[]';
  }
  return label;
}

/**
 * The lines of one difference. A keyed list that differs in length is shown element by element
 * (added, removed, changed by key) rather than as two whole lists.
 */
function fieldChanges(d: Difference, desiredBody: ComputeBody, rules: CompareRules): FieldChange[] {
  const keyField = rules.keyedLists[d.path];
  const observedList = d.observed === undefined || d.observed === null ? [] : d.observed;
  if (keyField === undefined || !Array.isArray(d.desired) || !Array.isArray(observedList)) {
    return [
      {
        path: labelPath(d.path, desiredBody, rules),
        before: showValue(d.observed),
        after: showValue(d.desired),
      },
    ];
  }
  const byKey = (items: readonly unknown[]) =>
    new Map(items.map((item) => [keyOf(item, keyField), item] as const));
  const desired = byKey(d.desired);
  const observed = byKey(observedList);
  const out: FieldChange[] = [];
  for (const key of [...new Set([...desired.keys(), ...observed.keys()])].sort()) {
    const label = `${d.path}[${shortString(key.replace(/^"|"$/g, ''))}]`;
    const want = desired.get(key);
    const have = observed.get(key);
    if (want === undefined || have === undefined) {
      out.push({ path: label, before: showValue(have), after: showValue(want) });
      continue;
    }
    for (const inner of diffBodies({ [d.path]: [want] }, { [d.path]: [have] }, rules, [d.path])) {
      out.push({
        path: label + inner.path.slice(`${d.path}[0]`.length),
        before: showValue(inner.observed),
        after: showValue(inner.desired),
      });
    }
  }
  return out;
}

/** The desired body as GCE would show it: a forwarding rule holds its address's IP, not its URL. */
function comparable(resource: DesiredResource, observed: ReadonlyMap<string, ObservedResource>): ComputeBody {
  if (resource.kind !== 'globalForwardingRules' || typeof resource.body.IPAddress !== 'string')
    return resource.body;
  const ref = refOfUrl(resource.body.IPAddress);
  const ip = ref === undefined ? undefined : observed.get(refKey(ref))?.body.address;
  return typeof ip === 'string' ? { ...resource.body, IPAddress: ip } : resource.body;
}

function changeOf(
  step: PlanStep,
  desired: ReadonlyMap<string, DesiredResource>,
  observed: ReadonlyMap<string, ObservedResource>,
): ResourceChange {
  const base = {
    op: step.op as ResourceChange['op'],
    kind: step.kind,
    name: step.name,
    ...(step.method !== undefined ? { method: step.method } : {}),
    reason: step.reason,
  };
  const want = desired.get(refKey(step));
  const have = observed.get(refKey(step));
  if ((step.op !== 'update' && step.op !== 'recreate') || !want || !have) return { ...base, fields: [] };
  const rules = KIND_RULES[step.kind];
  const body = comparable(want, observed);
  const fields = diffBodies(body, have.body, rules, rules.compared).flatMap((d) =>
    fieldChanges(d, body, rules),
  );
  return { ...base, fields };
}

/**
 * The diff of a plan: `observed` is what the plan was made from, `desired` what it was made
 * for. Never throws.
 */
export function toPlanDiff(
  plan: CheckedPlan,
  observed: readonly ObservedResource[],
  desired: readonly DesiredResource[],
): PlanDiff {
  const observedByKey = new Map(observed.map((r) => [refKey(r), r] as const));
  const desiredByKey = new Map(desired.map((r) => [refKey(r), r] as const));
  return {
    changes: plan.steps
      .filter((s) => s.op !== 'nothing')
      .map((s) => changeOf(s, desiredByKey, observedByKey)),
    kept: plan.steps
      .filter((s) => s.op === 'nothing')
      .map((s) => ({ kind: s.kind, name: s.name, reason: s.reason })),
    problems: plan.problems.map((p) => `${p.code}: ${p.message}`),
  };
}
