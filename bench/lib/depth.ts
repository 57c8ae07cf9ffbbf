/**
 * The critical path of a load balancer: the longest chain of resources each of which can only be
 * created once the one it references exists (an operation DONE), counted in resources. With a
 * fixed operation latency, no creation order can beat depth × latency.
 */
import type { DesiredResource } from '../../src/model/gce.ts';

/** Longest `dependsOn` chain of a desired graph (a lone resource has depth 1). */
export function depthOfDesired(desired: readonly DesiredResource[]): number {
  const key = (r: { kind: string; name: string }) => `${r.kind}/${r.name}`;
  const byKey = new Map(desired.map((d) => [key(d), d]));
  const memo = new Map<string, number>();
  const depth = (k: string): number => {
    const known = memo.get(k);
    if (known !== undefined) return known;
    const deps = byKey.get(k)?.dependsOn ?? [];
    const d = 1 + Math.max(0, ...deps.filter((x) => byKey.has(key(x))).map((x) => depth(key(x))));
    memo.set(k, d);
    return d;
  };
  return Math.max(0, ...desired.map((d) => depth(key(d))));
}

/** A resource as the emulator stores it: its collection, name and body. */
export interface StoredResource {
  readonly collection: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Fields that point back at users, or at the resource itself, not at what it depends on. */
const NOT_DEPENDENCIES = new Set(['selfLink', 'usedBy', 'users', 'selfLinkWithId']);

function strings(value: unknown, out: string[], key?: string): void {
  if (key !== undefined && NOT_DEPENDENCIES.has(key)) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) strings(v, out, k);
  }
}

/**
 * The depth of the graph the emulator really holds for a set of resources: an edge wherever a
 * body names another resource of the set by URL, or (forwarding rules) holds the IP of an address
 * of the set.
 */
export function depthOfStored(resources: readonly StoredResource[]): number {
  const suffix = (r: StoredResource) => `/${r.collection}/${r.name}`;
  const byIp = new Map<string, StoredResource>();
  for (const r of resources) {
    if (r.collection === 'addresses' && typeof r.body.address === 'string') byIp.set(r.body.address, r);
  }
  const edges = new Map<StoredResource, StoredResource[]>();
  for (const r of resources) {
    const refs: string[] = [];
    strings(r.body, refs);
    const targets = resources.filter((o) => o !== r && refs.some((s) => s.endsWith(suffix(o))));
    const ipTarget = typeof r.body.IPAddress === 'string' ? byIp.get(r.body.IPAddress) : undefined;
    if (ipTarget && !targets.includes(ipTarget)) targets.push(ipTarget);
    edges.set(r, targets);
  }
  const memo = new Map<StoredResource, number>();
  const depth = (r: StoredResource, seen: Set<StoredResource>): number => {
    const known = memo.get(r);
    if (known !== undefined) return known;
    if (seen.has(r)) return 0;
    seen.add(r);
    const d = 1 + Math.max(0, ...(edges.get(r) ?? []).map((t) => depth(t, seen)));
    seen.delete(r);
    memo.set(r, d);
    return d;
  };
  return Math.max(0, ...resources.map((r) => depth(r, new Set())));
}
