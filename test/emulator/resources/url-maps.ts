/**
 * Global URL maps: exactly one default action, host rules that name existing path matchers, path
 * rules whose paths follow GCE's syntax, every referenced backend service present, `tests[]` run
 * against the map, lists stored in the order sent (controllers compare them positionally), a
 * 64 KB size limit, and `validate`. {@link routeRequest} answers which service a URL reaches.
 */
import type { Core, Handler } from '../core.ts';
import { ComputeError, invalidField } from '../errors.ts';
import { isValidName } from '../names.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import { stripBase } from './backend-services.ts';
import { aggregatedList, contextFor, crudHandlers, findRecord } from './crud.ts';
import type { BuildContext, KindSpec } from './kind.ts';

/** Classic Application Load Balancer URL maps are limited to 64 KB. */
export const MAX_URL_MAP_BYTES = 64 * 1024;
const MAX_TESTS = 100;
const MAX_RULES = 1000;
const HOST_RE = /^(\*|(\*[.-])?[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:[0-9]{1,5})?$/i;

function checkPath(field: string, path: unknown): void {
  if (typeof path !== 'string' || path.length < 1 || path.length > 1024) {
    throw invalidField(field, path, 'Must have between 1 and 1024 character(s).');
  }
  if (!path.startsWith('/')) throw invalidField(field, path, "Path must start with a '/'.");
  if (/[?#]/.test(path)) throw invalidField(field, path, "Path may not contain '?' or '#'.");
  const star = path.indexOf('*');
  if (star !== -1 && (star !== path.length - 1 || path[star - 1] !== '/')) {
    throw invalidField(field, path, "A '*' is only allowed at the end of the path, after a '/'.");
  }
}

/** Resolves one service reference and returns its full URL. */
function service(core: Core, ctx: BuildContext, field: string, value: unknown): string {
  return core.link(
    core.resolve(field, value, { collections: ['backendServices', 'backendBuckets'], project: ctx.project })
      .path,
  );
}

function defaultAction(core: Core, ctx: BuildContext, field: string, obj: Json, requireOne: boolean): void {
  const given = ['defaultService', 'defaultUrlRedirect', 'defaultRouteAction'].filter(
    (k) => obj[k] !== undefined,
  );
  if (given.length > 1)
    throw invalidField(`${field}.${given[1]}`, '', `Only one of ${given.join(', ')} may be set.`);
  if (given.length === 0 && requireOne) {
    throw invalidField(
      `${field}.defaultService`,
      '',
      'A default service, a default URL redirect or a default route action must be set.',
    );
  }
  if (obj.defaultService !== undefined)
    obj.defaultService = service(core, ctx, `${field}.defaultService`, obj.defaultService);
  const action = obj.defaultRouteAction as Json | undefined;
  if (action?.weightedBackendServices) {
    action.weightedBackendServices = (action.weightedBackendServices as Json[]).map((w, i) => ({
      ...w,
      backendService: service(
        core,
        ctx,
        `${field}.defaultRouteAction.weightedBackendServices[${i}].backendService`,
        w.backendService,
      ),
    }));
  }
}

function buildPathMatcher(core: Core, ctx: BuildContext, pm: Json, i: number): Json {
  const field = `resource.pathMatchers[${i}]`;
  const out: Json = { ...pm };
  if (!isValidName(out.name))
    throw invalidField(
      `${field}.name`,
      out.name,
      "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'",
    );
  defaultAction(core, ctx, field, out, false);
  const pathRules = (out.pathRules ?? []) as Json[];
  const routeRules = (out.routeRules ?? []) as Json[];
  if (pathRules.length > 0 && routeRules.length > 0) {
    throw invalidField(`${field}.routeRules`, '', 'pathRules and routeRules cannot both be set.');
  }
  const seen = new Set<string>();
  out.pathRules = pathRules.map((rule, j) => {
    const rf = `${field}.pathRules[${j}]`;
    const paths = (rule.paths ?? []) as unknown[];
    if (paths.length === 0)
      throw invalidField(`${rf}.paths`, '', 'Must have between 1 and 1024 character(s).');
    paths.forEach((p, k) => {
      checkPath(`${rf}.paths[${k}]`, p);
      if (seen.has(p as string))
        throw invalidField(`${rf}.paths[${k}]`, p, 'Duplicate path in path matcher.');
      seen.add(p as string);
    });
    const r: Json = { ...rule };
    const actions = ['service', 'urlRedirect', 'routeAction'].filter((k) => r[k] !== undefined);
    if (actions.length !== 1)
      throw invalidField(
        `${rf}.service`,
        '',
        'Exactly one of service, urlRedirect or routeAction must be set.',
      );
    if (r.service !== undefined) r.service = service(core, ctx, `${rf}.service`, r.service);
    return r;
  });
  if (pathRules.length === 0) delete out.pathRules;
  out.routeRules = routeRules.map((rule, j) => {
    const r: Json = { ...rule };
    if (r.service !== undefined)
      r.service = service(core, ctx, `${field}.routeRules[${j}].service`, r.service);
    return r;
  });
  if (routeRules.length === 0) delete out.routeRules;
  return out;
}

function hostMatches(pattern: string, host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const p = pattern.toLowerCase().replace(/:\d+$/, '');
  if (p === '*') return true;
  if (p.startsWith('*')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/** Where a request ends up in a URL map: a service URL, or a redirect. */
export type Route = { readonly service: string } | { readonly redirect: Json } | { readonly none: true };

/**
 * Routes `host` + `path` through a URL map body as GCE does: the first host rule whose host
 * matches (exact hosts before wildcards), then in its path matcher the longest matching path rule,
 * else the matcher's default, else the map's default.
 */
export function routeRequest(urlMap: Json, host: string, path: string): Route {
  const cleanPath = path.replace(/[?#].*$/, '') || '/';
  const rules = (urlMap.hostRules ?? []) as Json[];
  const exact = rules.find((r) =>
    ((r.hosts ?? []) as string[]).some((h) => !h.startsWith('*') && hostMatches(h, host)),
  );
  const rule = exact ?? rules.find((r) => ((r.hosts ?? []) as string[]).some((h) => hostMatches(h, host)));
  const matcher = rule
    ? ((urlMap.pathMatchers ?? []) as Json[]).find((m) => m.name === rule.pathMatcher)
    : undefined;
  const fallback = (obj: Json): Route => {
    if (obj.defaultService) return { service: String(obj.defaultService) };
    if (obj.defaultUrlRedirect) return { redirect: obj.defaultUrlRedirect as Json };
    const weighted = ((obj.defaultRouteAction as Json | undefined)?.weightedBackendServices ?? []) as Json[];
    return weighted[0] ? { service: String(weighted[0].backendService) } : { none: true };
  };
  if (!matcher) return fallback(urlMap);
  let best: { len: number; rule: Json } | undefined;
  for (const pr of (matcher.pathRules ?? []) as Json[]) {
    for (const p of (pr.paths ?? []) as string[]) {
      const matches = p.endsWith('/*')
        ? cleanPath.startsWith(p.slice(0, -1)) || cleanPath === p.slice(0, -2)
        : cleanPath === p;
      const len = p.endsWith('*') ? p.length - 1 : p.length + 1;
      if (matches && (!best || len > best.len)) best = { len, rule: pr };
    }
  }
  if (best) {
    if (best.rule.service) return { service: String(best.rule.service) };
    if (best.rule.urlRedirect) return { redirect: best.rule.urlRedirect as Json };
  }
  const own = fallback(matcher);
  return 'none' in own ? fallback(urlMap) : own;
}

/** One failed URL-map test, in the shape `urlMaps.validate` reports it. */
interface TestFailure {
  readonly index: number;
  readonly host: string;
  readonly path: string;
  readonly expectedService: string;
  readonly actualService: string;
}

/** Runs a map's `tests[]` and returns the failures (none when every test passes). */
function testFailures(body: Json): TestFailure[] {
  const tests = (body.tests ?? []) as Json[];
  if (tests.length > MAX_TESTS)
    throw invalidField('resource.tests', '', `At most ${MAX_TESTS} tests are allowed.`);
  const failures: TestFailure[] = [];
  tests.forEach((t, index) => {
    if (t.service === undefined) return;
    const host = String(t.host ?? '');
    const path = String(t.path ?? '/');
    const route = routeRequest(body, host, path);
    const actual = 'service' in route ? route.service : 'redirect' in route ? 'a redirect' : 'nothing';
    if (stripBase(actual) !== stripBase(String(t.service))) {
      failures.push({ index, host, path, expectedService: String(t.service), actualService: actual });
    }
  });
  return failures;
}

function testFailureError(f: TestFailure): ComputeError {
  return invalidField(
    `resource.tests[${f.index}]`,
    '',
    `Test failure: Expect URL '${f.host}${f.path}' to map to service '${f.expectedService}', but actually maps to '${f.actualService}'.`,
  );
}

/** The urlMaps kind. */
export const urlMaps: KindSpec = {
  resource: 'urlMaps',
  collection: 'urlMaps',
  scope: 'global',
  kind: 'compute#urlMap',
  schema: 'UrlMap',
  snakeType: 'url_map',
  quotaMetric: 'URL_MAPS',
  fingerprint: true,
  build(input, ctx) {
    const core = ctx.core;
    const body: Json = structuredClone(input);
    defaultAction(core, ctx, 'resource', body, true);
    const matchers = ((body.pathMatchers ?? []) as Json[]).map((pm, i) => buildPathMatcher(core, ctx, pm, i));
    const hostRules = (body.hostRules ?? []) as Json[];
    if (matchers.length > MAX_RULES || hostRules.length > MAX_RULES) {
      throw invalidField(
        'resource.hostRules',
        '',
        `At most ${MAX_RULES} host rules and path matchers are allowed.`,
      );
    }
    const names = new Set<string>();
    matchers.forEach((m, i) => {
      if (names.has(m.name as string))
        throw invalidField(`resource.pathMatchers[${i}].name`, m.name, 'Duplicate path matcher name.');
      names.add(m.name as string);
    });
    const hosts = new Set<string>();
    hostRules.forEach((hr, i) => {
      const list = (hr.hosts ?? []) as unknown[];
      if (list.length === 0)
        throw invalidField(`resource.hostRules[${i}].hosts`, '', 'At least one host is required.');
      list.forEach((h, j) => {
        if (typeof h !== 'string' || !HOST_RE.test(h))
          throw invalidField(`resource.hostRules[${i}].hosts[${j}]`, h, 'Invalid host pattern.');
        if (hosts.has(h.toLowerCase()))
          throw invalidField(`resource.hostRules[${i}].hosts[${j}]`, h, 'Duplicate host in host rules.');
        hosts.add(h.toLowerCase());
      });
      if (!names.has(hr.pathMatcher as string)) {
        throw invalidField(
          `resource.hostRules[${i}].pathMatcher`,
          hr.pathMatcher,
          'The path matcher does not exist in this URL map.',
        );
      }
    });
    if (matchers.length > 0) body.pathMatchers = matchers;
    const tests = ((body.tests ?? []) as Json[]).map((t, i) =>
      t.service === undefined
        ? t
        : { ...t, service: service(core, ctx, `resource.tests[${i}].service`, t.service) },
    );
    if (tests.length > 0) body.tests = tests;
    const failed = testFailures(body)[0];
    if (failed) throw testFailureError(failed);
    const size = Buffer.byteLength(JSON.stringify(body));
    if (size > MAX_URL_MAP_BYTES) {
      throw new ComputeError({
        code: 400,
        reason: 'invalid',
        message: `Invalid value for field 'resource': ''. The URL map is ${size} bytes, above the limit of ${MAX_URL_MAP_BYTES} bytes.`,
      });
    }
    return { body };
  },
  references(body) {
    const refs: string[] = [];
    const walk = (v: unknown, key?: string): void => {
      if (typeof v === 'string') {
        if (key && /^(defaultService|service|backendService)$/.test(key)) refs.push(stripBase(v));
      } else if (Array.isArray(v)) {
        for (const x of v) walk(x, key);
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) if (k !== 'tests') walk(x, k);
      }
    };
    walk(body);
    return [...new Set(refs)];
  },
};

const validate: Handler = (call, core) => {
  const existing = findRecord(core, urlMaps, call);
  const input = checkBody(
    'UrlMapsValidateRequest',
    call.body,
    core.config.rejectUnknownFields,
    'urlMapsValidateRequest',
  );
  const resource = checkBody('UrlMap', input.resource ?? {}, core.config.rejectUnknownFields);
  const candidate = { ...resource, name: existing.name, tests: [] };
  try {
    const built = urlMaps.build(candidate, contextFor(core, existing));
    const tests = ((resource.tests ?? []) as Json[]).map((t, i) =>
      t.service === undefined
        ? t
        : {
            ...t,
            service: service(core, contextFor(core, existing), `resource.tests[${i}].service`, t.service),
          },
    );
    const failures = testFailures({ ...built.body, tests }).map(({ index: _i, ...f }) => f);
    const result =
      failures.length > 0
        ? { loadSucceeded: true, testPassed: false, testFailures: failures }
        : { loadSucceeded: true, testPassed: true };
    return { status: 200, body: { result } };
  } catch (err) {
    if (!(err instanceof ComputeError)) throw err;
    return { status: 200, body: { result: { loadSucceeded: false, loadErrors: [err.message] } } };
  }
};

/** `compute.urlMaps.*`. */
export const urlMapHandlers: Record<string, Handler> = {
  ...crudHandlers(urlMaps, ['insert', 'get', 'list', 'delete', 'update', 'patch']),
  'compute.urlMaps.validate': validate,
  'compute.urlMaps.aggregatedList': aggregatedList(urlMaps, 'compute#urlMapsAggregatedList'),
};
