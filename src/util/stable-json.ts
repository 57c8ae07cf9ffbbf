/**
 * Serialises a JSON value with object keys in sorted order, so that equal values always give
 * equal strings (for hashing, golden files and change detection). Arrays keep their order.
 * Throws TypeError on values JSON cannot represent (functions, symbols, bigints, cycles).
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value, new Set()), null, indent);
}

function sortKeys(value: unknown, seen: Set<object>): unknown {
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new TypeError(`stableStringify: cannot serialise a ${typeof value}`);
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) throw new TypeError('stableStringify: cyclic value');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => sortKeys(v, seen));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
