import { relativeResourcePath } from '../model/gce-urls.ts';
import { SecretValue } from '../model/secret-value.ts';

/**
 * How a kind's bodies compare. Only the fields a desired body sets are compared (we manage those;
 * fields GCE adds, output-only fields and fields someone else set are not ours to judge), after
 * normalising what GCE changes on the way: references become `projects/…` paths, omitted fields
 * take the server default, empty lists may be omitted, some lists are sets.
 */
export interface CompareRules {
  /** Server defaults by field pattern (`backends[].capacityScaler`): an omitted field has this value. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** List patterns compared as sets of scalars (order and duplicates ignored). */
  readonly sets: ReadonlySet<string>;
  /** Scalar patterns compared without regard to case. */
  readonly caseInsensitive: ReadonlySet<string>;
  /** Patterns holding a port range, where `80` and `80-80` are equal. */
  readonly portRanges: ReadonlySet<string>;
  /**
   * Lists of objects whose order carries no meaning, by pattern, with the field that identifies
   * an element (`backends` by `group`): both sides are sorted by it before comparing.
   */
  readonly keyedLists: Readonly<Record<string, string>>;
}

/** One field that differs: where, and both values as compared. */
export interface Difference {
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof SecretValue)
  );
}

function normaliseScalar(value: unknown, pattern: string, rules: CompareRules): unknown {
  if (typeof value !== 'string') return value;
  let out = relativeResourcePath(value);
  if (rules.caseInsensitive.has(pattern)) out = out.toLowerCase();
  if (rules.portRanges.has(pattern) && /^\d+$/.test(out)) out = `${out}-${out}`;
  return out;
}

function scalarsEqual(desired: unknown, observed: unknown): boolean {
  if (desired === observed) return true;
  // int64 fields come back as strings; floats may come back either way.
  const numeric = (v: unknown) =>
    typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
  return (typeof desired === 'number' || typeof observed === 'number') &&
    numeric(desired) &&
    numeric(observed)
    ? Number(desired) === Number(observed)
    : false;
}

function sortBy(items: readonly unknown[], field: string): unknown[] {
  const keyOf = (item: unknown) => {
    const value = isRecord(item) ? item[field] : undefined;
    return typeof value === 'string' ? relativeResourcePath(value) : JSON.stringify(value ?? null);
  };
  return [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

function diffValue(
  desired: unknown,
  observed: unknown,
  path: string,
  pattern: string,
  rules: CompareRules,
  out: Difference[],
): void {
  // Write-only values (a certificate's private key) cannot be read back, so never compare them.
  if (desired === undefined || desired instanceof SecretValue) return;
  const seen = observed === undefined || observed === null ? rules.defaults[pattern] : observed;

  if (Array.isArray(desired)) {
    const list = seen === undefined ? [] : seen;
    if (!Array.isArray(list)) {
      out.push({ path, desired, observed: seen });
    } else if (rules.sets.has(pattern)) {
      const key = (items: unknown[]) =>
        JSON.stringify(
          [...new Set(items.map((item) => String(normaliseScalar(item, `${pattern}[]`, rules))))].sort(),
        );
      if (key(desired) !== key(list)) out.push({ path, desired, observed: list });
    } else if (desired.length !== list.length) {
      out.push({ path, desired, observed: list });
    } else {
      const keyField = rules.keyedLists[pattern];
      const [d, o] =
        keyField === undefined ? [desired, list] : [sortBy(desired, keyField), sortBy(list, keyField)];
      d.forEach((item, i) => diffValue(item, o[i], `${path}[${i}]`, `${pattern}[]`, rules, out));
    }
    return;
  }

  if (isRecord(desired)) {
    if (seen === undefined && Object.keys(desired).length === 0) return;
    if (seen !== undefined && !isRecord(seen)) {
      out.push({ path, desired, observed: seen });
      return;
    }
    for (const [key, value] of Object.entries(desired)) {
      const child = path === '' ? key : `${path}.${key}`;
      const childPattern = pattern === '' ? key : `${pattern}.${key}`;
      diffValue(value, seen?.[key], child, childPattern, rules, out);
    }
    return;
  }

  const d = normaliseScalar(desired, pattern, rules);
  const o = normaliseScalar(seen, pattern, rules);
  if (!scalarsEqual(d, o)) out.push({ path, desired: d, observed: o });
}

/**
 * The fields of `desired` that `observed` does not match, among `fields` (top-level names; all of
 * the desired body's fields when omitted). Pure; never throws.
 */
export function diffBodies(
  desired: Readonly<Record<string, unknown>>,
  observed: Readonly<Record<string, unknown>>,
  rules: CompareRules,
  fields?: readonly string[],
): Difference[] {
  const out: Difference[] = [];
  for (const key of fields ?? Object.keys(desired)) {
    if (Object.hasOwn(desired, key)) diffValue(desired[key], observed[key], key, key, rules, out);
  }
  return out;
}

/** The top-level field of a difference path (`backends[0].group` -> `backends`). */
export function topField(path: string): string {
  return /^[^.[]+/.exec(path)?.[0] ?? path;
}
