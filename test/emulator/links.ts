/**
 * Resource paths and links. Inside the emulator every resource is named by its canonical path
 * (`projects/P/global/backendServices/N`, `projects/P/zones/Z/instanceGroups/N`); bodies carry full
 * URLs built from a configurable base (Google's `https://www.googleapis.com/compute/v1/` unless
 * told otherwise). References sent by clients may be full URLs on any host, or partial paths.
 */

/** Where a resource lives. */
export type Scope =
  | { readonly kind: 'global' }
  | { readonly kind: 'zone'; readonly zone: string }
  | { readonly kind: 'region'; readonly region: string };

/** A parsed reference to one resource. */
export interface ResourcePath {
  readonly project: string;
  readonly scope: Scope;
  readonly collection: string;
  readonly name: string;
}

/** The canonical path of a collection, e.g. `projects/p/zones/z/instanceGroups`. */
export function collectionPath(project: string, scope: Scope, collection: string): string {
  return `projects/${project}/${scopePath(scope)}${collection}`;
}

/** `global/`, `zones/z/` or `regions/r/`. */
export function scopePath(scope: Scope): string {
  if (scope.kind === 'global') return 'global/';
  if (scope.kind === 'zone') return `zones/${scope.zone}/`;
  return `regions/${scope.region}/`;
}

/** The canonical path of a resource. */
export function resourcePath(p: ResourcePath): string {
  return `${collectionPath(p.project, p.scope, p.collection)}/${p.name}`;
}

const URL_PREFIX = /^https?:\/\/[^/]+\/compute\/(?:v1|beta|alpha)\//;

/**
 * Parses a reference written as a full URL (any host, any API version), `projects/...`, `global/...`,
 * `zones/...` or `regions/...`. A bare name is accepted only when `defaults.collection` says where
 * to look. Returns undefined when the text is not a reference at all.
 */
export function parseReference(
  value: string,
  defaults: { project: string; collection?: string; scope?: Scope },
): ResourcePath | undefined {
  let rest = value.replace(URL_PREFIX, '');
  const wasUrl = rest !== value;
  if (!wasUrl && /^https?:\/\//.test(value)) return undefined;
  let project = defaults.project;
  const projectMatch = /^projects\/([^/]+)\/(.*)$/.exec(rest);
  if (projectMatch) {
    project = projectMatch[1] as string;
    rest = projectMatch[2] as string;
  } else if (wasUrl) {
    return undefined;
  }
  const parts = rest.split('/');
  if (parts.length === 3 && parts[0] === 'global') {
    return { project, scope: { kind: 'global' }, collection: parts[1] as string, name: parts[2] as string };
  }
  if (parts.length === 4 && parts[0] === 'zones') {
    return {
      project,
      scope: { kind: 'zone', zone: parts[1] as string },
      collection: parts[2] as string,
      name: parts[3] as string,
    };
  }
  if (parts.length === 4 && parts[0] === 'regions') {
    return {
      project,
      scope: { kind: 'region', region: parts[1] as string },
      collection: parts[2] as string,
      name: parts[3] as string,
    };
  }
  // The proxies' custom methods live at `projects/P/targetHttpProxies/N` (no scope segment).
  if (parts.length === 2 && /^targetHttps?Proxies$/.test(parts[0] as string)) {
    return { project, scope: { kind: 'global' }, collection: parts[0] as string, name: parts[1] as string };
  }
  if (parts.length === 1 && !projectMatch && !wasUrl && defaults.collection) {
    return {
      project,
      scope: defaults.scope ?? { kind: 'global' },
      collection: defaults.collection,
      name: parts[0] as string,
    };
  }
  return undefined;
}

/** Renders canonical paths as full URLs under one base. */
export class Linker {
  readonly base: string;

  /** `base` ends with `/`, e.g. `https://www.googleapis.com/compute/v1/`. */
  constructor(base: string) {
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  /** The full URL of a canonical path. */
  link(path: string): string {
    return this.base + path;
  }

  /** The canonical path inside a full URL of ours (or any host), or the input if it is already a path. */
  path(url: string): string {
    return url.replace(URL_PREFIX, '');
  }
}
