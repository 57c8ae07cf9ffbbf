/**
 * Routes request paths to discovery method ids, using the path templates in data/methods.json
 * (so method ids and paths are exactly Google's). Templates with more literal segments win, which
 * keeps `projects/{project}` from swallowing longer paths.
 */
import methodData from './data/methods.json' with { type: 'json' };

interface Route {
  readonly id: string;
  readonly httpMethod: string;
  readonly re: RegExp;
  readonly params: readonly string[];
  readonly literals: number;
}

/** A matched route. */
export interface RouteMatch {
  readonly methodId: string;
  readonly params: Record<string, string>;
  /** The last path parameter that is not project, zone or region: the resource's name. */
  readonly resourceName: string | undefined;
}

const SCOPE_PARAMS = new Set(['project', 'zone', 'region']);

/** The method table compiled from data/methods.json. */
export class Router {
  readonly #routes: Route[];

  constructor() {
    const methods = (methodData as { methods: { id: string; httpMethod: string; path: string }[] }).methods;
    this.#routes = methods
      .map((m) => {
        const params: string[] = [];
        const pattern = m.path
          .split('/')
          .map((seg) => {
            const p = /^\{(\w+)\}$/.exec(seg);
            if (!p) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            params.push(p[1] as string);
            return '([^/]+)';
          })
          .join('/');
        return {
          id: m.id,
          httpMethod: m.httpMethod,
          re: new RegExp(`^${pattern}$`),
          params,
          literals: m.path.split('/').filter((s) => !s.startsWith('{')).length,
        };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** Every method id served, in table order. */
  methodIds(): string[] {
    return this.#routes.map((r) => r.id);
  }

  /** Matches a path relative to `/compute/v1/` (e.g. `projects/p/global/urlMaps`). */
  match(httpMethod: string, path: string): RouteMatch | undefined {
    for (const r of this.#routes) {
      if (r.httpMethod !== httpMethod) continue;
      const m = r.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.params.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string);
      });
      const nameParam = [...r.params].reverse().find((p) => !SCOPE_PARAMS.has(p));
      return {
        methodId: r.id,
        params,
        resourceName: nameParam === undefined ? undefined : params[nameParam],
      };
    }
    return undefined;
  }
}
