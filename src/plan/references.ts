import type { ObservedResource, ResourceRef } from '../model/gce.ts';
import { refOfUrl } from '../model/gce-urls.ts';

// Fields that name the resource itself or point the other way (an address's `users` are the
// forwarding rules using it), so they are not references to follow.
const NOT_REFERENCES = new Set([
  'selfLink',
  'id',
  'name',
  'kind',
  'creationTimestamp',
  'fingerprint',
  'users',
  'usedBy',
  'description',
]);

/** `kind/name`, the key of a resource in maps. */
export function refKey(ref: ResourceRef): string {
  return `${ref.kind}/${ref.name}`;
}

function collectUrls(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectUrls(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectUrls(item, out);
}

/**
 * For every observed resource, the observed resources its body references: by URL (a proxy's URL
 * map, a backend service's health check, ...) and, for forwarding rules, the address whose IP
 * they hold (GCE stores the literal IP, not the address). Keys are {@link refKey}s.
 */
export function observedReferences(observed: readonly ObservedResource[]): Map<string, ResourceRef[]> {
  const present = new Map(observed.map((r) => [refKey(r), r] as const));
  const addressByIp = new Map<string, ResourceRef>();
  for (const r of observed) {
    if (r.kind === 'addresses' && typeof r.body.address === 'string') addressByIp.set(r.body.address, r);
  }
  const references = new Map<string, ResourceRef[]>();
  for (const resource of observed) {
    const urls: string[] = [];
    for (const [field, value] of Object.entries(resource.body))
      if (!NOT_REFERENCES.has(field)) collectUrls(value, urls);
    const refs = new Map<string, ResourceRef>();
    for (const url of urls) {
      const ref = refOfUrl(url);
      if (ref !== undefined && present.has(refKey(ref)) && refKey(ref) !== refKey(resource)) {
        refs.set(refKey(ref), { kind: ref.kind, name: ref.name });
      }
    }
    const ip = resource.kind === 'globalForwardingRules' ? resource.body.IPAddress : undefined;
    const address = typeof ip === 'string' ? addressByIp.get(ip) : undefined;
    if (address !== undefined) refs.set(refKey(address), { kind: address.kind, name: address.name });
    references.set(refKey(resource), [...refs.values()]);
  }
  return references;
}
