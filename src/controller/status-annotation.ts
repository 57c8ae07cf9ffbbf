import { stableStringify } from '../util/stable-json.ts';
import type { ClusterProblem, TranslateResult } from '../model/translate.ts';

export { CLEANUP_FINALIZER, STATUS_ANNOTATION } from '../pipeline/own-fields.ts';
/** Version of the status format; bumped on any incompatible change. */
export const STATUS_VERSION = 1;

/** Health of one cluster's backends for one backend service, from the health loop. */
export interface BackendHealth {
  readonly healthy: number;
  readonly unhealthy: number;
  /** When GCE was last asked (ISO time). */
  readonly checkedAt: string;
}

/** One backend of one cluster, as the status shows it. */
export interface ClusterBackendStatus {
  readonly service: string;
  readonly port: number | string;
  readonly backendService: string;
  readonly capacityScaler: number;
  readonly groups: readonly string[];
  readonly health?: BackendHealth;
}

/** One selected (or leaving) cluster. */
export interface ClusterStatus {
  readonly name: string;
  readonly backends: readonly ClusterBackendStatus[];
  readonly problems: readonly { readonly code: string; readonly message: string }[];
}

/** The error that stopped the last reconcile, if any. */
export interface LastError {
  readonly reason: string;
  readonly message: string;
  readonly at: string;
}

/**
 * The versioned JSON in `kubemci.io/status`. `lastChange` is when the content (everything but
 * `lastChange` itself) last changed; the controller writes the annotation only then.
 */
export interface IngressStatus {
  readonly version: number;
  readonly vip?: string;
  readonly backendMode?: string;
  readonly observedGeneration?: number;
  readonly clusters: readonly ClusterStatus[];
  readonly resources: Readonly<Record<string, string | readonly string[]>>;
  readonly warnings: readonly string[];
  readonly lastError?: LastError;
  readonly lastChange?: string;
}

/** Builds the status from a translation, the VIP and the health the loop last saw. Pure. */
export function toIngressStatus(opts: {
  translation: TranslateResult;
  vip?: string;
  generation?: number;
  health?: ReadonlyMap<string, BackendHealth>;
  lastError?: LastError;
}): IngressStatus {
  const { translation } = opts;
  const problemsByCluster = new Map<string, ClusterProblem[]>();
  for (const p of translation.clusterProblems) {
    problemsByCluster.set(p.cluster, [...(problemsByCluster.get(p.cluster) ?? []), p]);
  }
  const clusterNames = [...new Set([...translation.selectedClusters, ...problemsByCluster.keys()])].sort();
  const clusters = clusterNames.map((name) => ({
    name,
    backends: translation.backends.flatMap((b) =>
      b.clusters
        .filter((c) => c.cluster === name)
        .map((c) => {
          const health = opts.health?.get(healthKey(b.backendService, name));
          return {
            service: b.service,
            port: b.port,
            backendService: b.backendService,
            capacityScaler: c.capacityScaler,
            groups: c.groups.map(shortUrl),
            ...(health ? { health } : {}),
          };
        }),
    ),
    problems: (problemsByCluster.get(name) ?? []).map((p) => ({ code: p.code, message: p.message })),
  }));
  const f = translation.frontend;
  const resources: Record<string, string | readonly string[]> = {};
  if (f) {
    resources.address = f.address.name;
    resources.urlMap = f.urlMap;
    if (f.targetHttpProxy) resources.targetHttpProxy = f.targetHttpProxy;
    if (f.httpForwardingRule) resources.httpForwardingRule = f.httpForwardingRule;
    if (f.targetHttpsProxy) resources.targetHttpsProxy = f.targetHttpsProxy;
    if (f.httpsForwardingRule) resources.httpsForwardingRule = f.httpsForwardingRule;
    if (f.sslCertificates.length) resources.sslCertificates = f.sslCertificates.map((c) => c.name);
    if (f.firewalls.length) resources.firewalls = f.firewalls;
  }
  if (translation.backends.length) {
    resources.backendServices = translation.backends.map((b) => b.backendService);
    resources.healthChecks = translation.backends.map((b) => b.healthCheck);
  }
  return {
    version: STATUS_VERSION,
    ...(opts.vip ? { vip: opts.vip } : {}),
    backendMode: translation.backendMode,
    ...(opts.generation !== undefined ? { observedGeneration: opts.generation } : {}),
    clusters,
    resources,
    warnings: translation.warnings.map((w) => w.message),
    ...(opts.lastError ? { lastError: opts.lastError } : {}),
  };
}

/** The key under which the health loop files one cluster's health for one backend service. */
export function healthKey(backendService: string, cluster: string): string {
  return `${backendService}|${cluster}`;
}

/**
 * The annotation value to write, or undefined when `next` says nothing new compared with the
 * current annotation (ignoring `lastChange` and the health-check time stamps), so resyncs that
 * find nothing new write nothing.
 */
export function statusToWrite(
  current: string | undefined,
  next: IngressStatus,
  now: string,
): string | undefined {
  const previous = parseIngressStatus(current);
  if (previous && sameContent(previous, next)) return undefined;
  return JSON.stringify({ ...next, lastChange: now });
}

/** Parses an annotation value; undefined when absent, not JSON, or of another version. */
export function parseIngressStatus(value: string | undefined): IngressStatus | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as IngressStatus;
    return parsed && parsed.version === STATUS_VERSION ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function sameContent(a: IngressStatus, b: IngressStatus): boolean {
  return stableStringify(comparable(a)) === stableStringify(comparable(b));
}

function comparable(s: IngressStatus): unknown {
  return {
    ...s,
    lastChange: undefined,
    lastError: s.lastError ? { reason: s.lastError.reason, message: s.lastError.message } : undefined,
    clusters: s.clusters.map((c) => ({
      ...c,
      backends: c.backends.map((b) => ({
        ...b,
        health: b.health ? { healthy: b.health.healthy, unhealthy: b.health.unhealthy } : undefined,
      })),
    })),
  };
}

function shortUrl(url: string): string {
  const m = /\/(zones\/[^/]+\/(?:networkEndpointGroups|instanceGroups)\/[^/]+)$/.exec(url);
  return m ? m[1]! : url;
}
