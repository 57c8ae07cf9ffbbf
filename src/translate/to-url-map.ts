import type { ComputeBody } from '../model/gce.ts';
import type { IngressSpec } from '../model/ingress.ts';
import { TranslateError } from '../model/translate.ts';
import type { TranslateWarning } from '../model/translate.ts';
import { sanitizeField } from '../naming/trim.ts';
import { shortHash } from '../naming/hash.ts';
import { backendRefOf, describeBackend } from './ingress-backends.ts';
import type { BackendRef } from './ingress-backends.ts';

/**
 * Ingress rules -> GCE URL map. The classic load balancer matches `pathRules`: a path without `*`
 * matches exactly, `/p/*` matches everything under `/p/`. So:
 * - `Exact /p` -> `/p`;
 * - `Prefix /p` (and `/p/`) -> `/p` and `/p/*`, which is Kubernetes' element-wise prefix: `/p`,
 *   `/p/`, `/p/q`, but not `/pq`; `Prefix /` -> `/*`;
 * - `ImplementationSpecific` -> the path as written, a GCE pattern (`*` only at the end after
 *   `/`); an empty path means `/*`, as in ingress-gce.
 * When two Ingress paths yield the same GCE path for different backends, `Exact` (and a literal
 * `ImplementationSpecific` path) wins over `Prefix`, as Kubernetes says; a tie is an error.
 * Hosts, path matchers and path rules are sorted, so equal Ingresses give equal URL maps.
 */

/** The routes of one host (`*` for rules without a host). */
export interface HostRoutes {
  readonly host: string;
  /** GCE path pattern -> backend. */
  readonly paths: ReadonlyMap<string, BackendRef>;
}

/** Everything the URL map needs, before backend services have names. */
export interface Routing {
  /** Undefined only when the Ingress routes nowhere (an error was reported). */
  readonly defaultBackend: BackendRef | undefined;
  /** Sorted by host. */
  readonly hosts: readonly HostRoutes[];
  /** Every distinct backend, sorted by key. */
  readonly backends: readonly BackendRef[];
}

const MAX_PATH_LENGTH = 1024;
// Exact and literal paths beat Prefix-derived ones on the same GCE path.
const EXACT_RANK = 0;
const PREFIX_RANK = 1;

interface GcePath {
  readonly path: string;
  readonly rank: number;
}

function toGcePaths(
  path: string | undefined,
  pathType: string | undefined,
  where: string,
): GcePath[] | TranslateError {
  const invalid = (why: string) => new TranslateError('InvalidPath', `${where}: ${why}`);
  const type = pathType ?? 'ImplementationSpecific';
  if (type === 'Exact' || type === 'Prefix') {
    const p = path ?? '';
    if (!p.startsWith('/')) return invalid(`${type} path '${p}' must start with /`);
    if (/[*?#]/.test(p))
      return invalid(`${type} path '${p}' may not contain *, ? or # (GCE cannot match them literally)`);
    if (type === 'Exact') {
      return p.length > MAX_PATH_LENGTH
        ? invalid('path is longer than 1024 characters')
        : [{ path: p, rank: EXACT_RANK }];
    }
    const base = p.replace(/\/+$/, '');
    if (base.length + 2 > MAX_PATH_LENGTH) return invalid('path is longer than 1022 characters');
    if (base === '') return [{ path: '/*', rank: PREFIX_RANK }];
    return [
      { path: base, rank: PREFIX_RANK },
      { path: `${base}/*`, rank: PREFIX_RANK },
    ];
  }
  if (type !== 'ImplementationSpecific') {
    return invalid(`unknown pathType '${type}' (Exact, Prefix or ImplementationSpecific)`);
  }
  const p = path === undefined || path === '' ? '/*' : path;
  if (!p.startsWith('/')) return invalid(`path '${p}' must start with /`);
  if (/[?#]/.test(p)) return invalid(`path '${p}' may not contain ? or #`);
  const star = p.indexOf('*');
  if (star !== -1 && (star !== p.length - 1 || p[star - 1] !== '/')) {
    return invalid(`path '${p}': GCE allows * only at the end, after /`);
  }
  if (p.length > MAX_PATH_LENGTH) return invalid('path is longer than 1024 characters');
  return [{ path: p, rank: EXACT_RANK }];
}

interface Route {
  readonly backend: BackendRef;
  readonly rank: number;
  readonly where: string;
}

/**
 * Collects the routes of an Ingress spec, with errors for unsupported backends, invalid paths and
 * conflicting paths, and the default backend (docs/adr/0005-default-backend.md): the spec's
 * `defaultBackend`, else the backend of the first path in spec order (with a warning when the
 * rules use more than one backend); no backend at all is an error.
 */
export function toRouting(spec: IngressSpec | undefined): {
  routing: Routing;
  errors: TranslateError[];
  warnings: TranslateWarning[];
} {
  const errors: TranslateError[] = [];
  const warnings: TranslateWarning[] = [];
  const backends = new Map<string, BackendRef>();
  const byHost = new Map<string, Map<string, Route>>();
  let firstPathBackend: BackendRef | undefined;

  let defaultBackend: BackendRef | undefined;
  if (spec?.defaultBackend !== undefined) {
    const ref = backendRefOf(spec.defaultBackend, 'spec.defaultBackend');
    if (ref instanceof TranslateError) errors.push(ref);
    else {
      defaultBackend = ref;
      backends.set(ref.key, ref);
    }
  }

  const ruleBackends = new Set<string>();
  const conflicts = new Set<string>();
  (spec?.rules ?? []).forEach((rule, r) => {
    const host = rule.host === undefined || rule.host === '' ? '*' : rule.host.toLowerCase();
    (rule.http?.paths ?? []).forEach((ingressPath, p) => {
      const where = `spec.rules[${r}].http.paths[${p}]`;
      const ref = backendRefOf(ingressPath.backend, `${where}.backend`);
      const gcePaths = toGcePaths(ingressPath.path, ingressPath.pathType, where);
      if (ref instanceof TranslateError) errors.push(ref);
      if (gcePaths instanceof TranslateError) errors.push(gcePaths);
      if (ref instanceof TranslateError || gcePaths instanceof TranslateError) return;
      backends.set(ref.key, ref);
      ruleBackends.add(ref.key);
      firstPathBackend ??= ref;
      const routes = byHost.get(host) ?? new Map<string, Route>();
      byHost.set(host, routes);
      for (const gcePath of gcePaths) {
        const existing = routes.get(gcePath.path);
        const route = { backend: ref, rank: gcePath.rank, where };
        if (existing === undefined || gcePath.rank < existing.rank) {
          routes.set(gcePath.path, route);
        } else if (gcePath.rank === existing.rank && existing.backend.key !== ref.key) {
          // A Prefix path expands to two GCE paths: report its conflict once.
          const conflict = `${host}\n${existing.where}\n${where}`;
          if (conflicts.has(conflict)) continue;
          conflicts.add(conflict);
          errors.push(
            new TranslateError(
              'ConflictingPaths',
              `host ${host}, path ${gcePath.path}: ${existing.where} routes to ${describeBackend(existing.backend)} ` +
                `but ${where} to ${describeBackend(ref)}`,
            ),
          );
        }
      }
    });
  });

  if (defaultBackend === undefined && errors.length === 0) {
    if (firstPathBackend === undefined) {
      errors.push(
        new TranslateError('NoBackend', 'the Ingress has neither a defaultBackend nor any rule path'),
      );
    } else {
      defaultBackend = firstPathBackend;
      if (ruleBackends.size > 1) {
        warnings.push({
          code: 'ImplicitDefaultBackend',
          message:
            `no spec.defaultBackend: requests that match no rule go to ${describeBackend(firstPathBackend)}, ` +
            'the backend of the first path; set spec.defaultBackend to choose',
        });
      }
    }
  }

  const hosts = [...byHost.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, routes]) => ({
      host,
      paths: new Map([...routes.entries()].map(([path, route]) => [path, route.backend] as const)),
    }));
  const sortedBackends = [...backends.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { routing: { defaultBackend, hosts, backends: sortedBackends }, errors, warnings };
}

/**
 * The path matcher's name for a host: readable, unique by a hash of the host, and a valid GCE
 * name (`*` reads as `any`).
 */
export function pathMatcherName(host: string): string {
  const readable = sanitizeField(host.replace(/\*/g, 'any')).slice(0, 48);
  return `pm-${readable}-${shortHash(['path-matcher', host], 10)}`;
}

/**
 * The URL map body. `serviceUrl` gives the URL of a backend's backend service. Each host gets a
 * host rule and a path matcher whose default is the Ingress's default backend; path rules group
 * a backend's paths, sorted by path.
 */
export function toUrlMapBody(
  routing: Routing,
  name: string,
  description: string,
  serviceUrl: (backend: BackendRef) => string,
): ComputeBody {
  const defaultService =
    routing.defaultBackend === undefined ? undefined : serviceUrl(routing.defaultBackend);
  const hostRules = routing.hosts.map((h) => ({ hosts: [h.host], pathMatcher: pathMatcherName(h.host) }));
  const pathMatchers = routing.hosts.map((h) => {
    const byBackend = new Map<string, { backend: BackendRef; paths: string[] }>();
    for (const [path, backend] of h.paths) {
      const group = byBackend.get(backend.key) ?? { backend, paths: [] };
      group.paths.push(path);
      byBackend.set(backend.key, group);
    }
    const pathRules = [...byBackend.values()]
      .map((group) => ({ paths: group.paths.sort(), service: serviceUrl(group.backend) }))
      .sort((a, b) => (a.paths[0]! < b.paths[0]! ? -1 : 1));
    return { name: pathMatcherName(h.host), defaultService, pathRules };
  });
  return { name, description, defaultService, hostRules, pathMatchers };
}
