import type { ResourceKind } from './gce.ts';

/**
 * URLs of Compute Engine resources. Desired bodies reference other resources by full URL, the form
 * GCE returns, so that observed and desired bodies compare after {@link relativeResourcePath}.
 */

/** The base GCE puts in every selfLink (it keeps the `www.googleapis.com` host). */
export const COMPUTE_V1_BASE = 'https://www.googleapis.com/compute/v1/';

/** The REST collection of each kind under `projects/{p}/global/`. */
export const COLLECTION_OF_KIND: Readonly<Record<ResourceKind, string>> = {
  addresses: 'addresses',
  healthChecks: 'healthChecks',
  backendServices: 'backendServices',
  urlMaps: 'urlMaps',
  targetHttpProxies: 'targetHttpProxies',
  targetHttpsProxies: 'targetHttpsProxies',
  sslCertificates: 'sslCertificates',
  globalForwardingRules: 'forwardingRules',
  firewalls: 'firewalls',
};

const KIND_OF_COLLECTION: ReadonlyMap<string, ResourceKind> = new Map(
  Object.entries(COLLECTION_OF_KIND).map(([kind, collection]) => [collection, kind as ResourceKind]),
);

/** The full URL of a global resource of one of our kinds. */
export function resourceUrl(project: string, kind: ResourceKind, name: string): string {
  return `${COMPUTE_V1_BASE}projects/${project}/global/${COLLECTION_OF_KIND[kind]}/${name}`;
}

/** The full URL of a zonal resource (`networkEndpointGroups`, `instanceGroups`). */
export function zonalResourceUrl(project: string, zone: string, collection: string, name: string): string {
  return `${COMPUTE_V1_BASE}projects/${project}/zones/${zone}/${collection}/${name}`;
}

/**
 * The full URL of a VPC network given as a name (`default`), a partial URL
 * (`global/networks/x`, `projects/p/global/networks/x`) or a full URL; a network in another
 * project (Shared VPC) keeps its project.
 */
export function networkUrl(project: string, network: string): string {
  const path = relativeResourcePath(network);
  if (path.startsWith('projects/')) return COMPUTE_V1_BASE + path;
  if (path.startsWith('global/')) return `${COMPUTE_V1_BASE}projects/${project}/${path}`;
  return `${COMPUTE_V1_BASE}projects/${project}/global/networks/${path}`;
}

/**
 * A resource reference without scheme, host and API version: `projects/p/global/urlMaps/x`.
 * Strings that are not Compute URLs are returned unchanged.
 */
export function relativeResourcePath(reference: string): string {
  return reference.replace(/^https?:\/\/[^/]+\/compute\/[^/]+\//, '');
}

/** The parts of a Compute resource URL (full or partial); undefined for anything else. */
export interface ParsedResourceUrl {
  readonly project?: string;
  /** `global`, `zones/{z}` or `regions/{r}`. */
  readonly scope: string;
  readonly collection: string;
  readonly name: string;
}

/** Parses a full or partial Compute resource URL; undefined when `reference` is not one. */
export function parseResourceUrl(reference: string): ParsedResourceUrl | undefined {
  const match = /^(?:projects\/([^/]+)\/)?(global|zones\/[^/]+|regions\/[^/]+)\/([A-Za-z]+)\/([^/]+)$/.exec(
    relativeResourcePath(reference),
  );
  if (match === null) return undefined;
  const [, project, scope, collection, name] = match;
  if (scope === undefined || collection === undefined || name === undefined) return undefined;
  return project === undefined ? { scope, collection, name } : { project, scope, collection, name };
}

/** The kind a global resource URL points at, with its name; undefined for other URLs. */
export function refOfUrl(reference: string): { kind: ResourceKind; name: string } | undefined {
  const parsed = parseResourceUrl(reference);
  if (parsed === undefined || parsed.scope !== 'global') return undefined;
  const kind = KIND_OF_COLLECTION.get(parsed.collection);
  return kind === undefined ? undefined : { kind, name: parsed.name };
}
