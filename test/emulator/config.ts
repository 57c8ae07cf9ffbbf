/**
 * The emulator's knobs: operation latency, API rate limits, resource quotas, fault injection and a
 * few behaviours the real API leaves open. Set at start and replaceable at run time through
 * `PUT /admin/config`; every change is validated here first.
 */

/**
 * How long an operation takes from insert to DONE: a fixed number of milliseconds, or a
 * distribution drawn from the emulator's seeded generator.
 */
export type LatencySpec =
  | number
  | { readonly fixedMs: number }
  | { readonly minMs: number; readonly maxMs: number }
  | { readonly meanMs: number; readonly maxMs?: number };

/** What a fault does when it fires. */
export type FaultAction =
  /** Answer with an HTTP error before doing anything. */
  | 'error'
  /** Do the write, then answer with an HTTP error (what makes a retried PUT fail 412). */
  | 'errorAfterApply'
  /** Do the write, then destroy the connection without answering. */
  | 'drop'
  /** Accept the write, then let its operation finish DONE with an error (nothing applied). */
  | 'operationFail'
  /** Accept the write, then leave its operation RUNNING until released. */
  | 'operationHang';

/** One fault-injection rule. */
export interface FaultRule {
  /** A method id such as `compute.backendServices.update`, or a glob with `*` (`compute.*.insert`). */
  readonly method: string;
  readonly action: FaultAction;
  /** Chance in [0, 1] that a matching call is hit (default 1). */
  readonly probability?: number;
  /** How many times the rule may fire before it goes quiet (default: unlimited). */
  readonly times?: number;
  /** HTTP status for `error`/`errorAfterApply` (default 503), and for `operationFail` the op's httpErrorStatusCode (default 500). */
  readonly status?: number;
  /** Error reason (default `backendError`, or `rateLimitExceeded` for 429). */
  readonly reason?: string;
  readonly message?: string;
}

/** The four per-minute API rate-limit groups of Compute Engine. */
export type RateGroup = 'mutations' | 'reads' | 'lists' | 'operationReads';
/** Every rate group, in a fixed order. */
export const RATE_GROUPS: readonly RateGroup[] = ['mutations', 'reads', 'lists', 'operationReads'];

/** Health reported for an instance or endpoint nobody set a health for. */
export type HealthState = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' | 'DRAINING' | 'TIMEOUT';

/** The emulator's full configuration. */
export interface EmulatorConfig {
  readonly project: string;
  readonly projectNumber: string;
  readonly zones: readonly string[];
  /** Base of every selfLink and reference URL the emulator writes. */
  readonly linkBase: string;
  readonly opLatency: LatencySpec;
  /** Per-method overrides of {@link EmulatorConfig.opLatency}, by method id. */
  readonly methodLatency: Readonly<Record<string, LatencySpec>>;
  /** How long `operations.wait` blocks at most (GCE: about 2 minutes). */
  readonly waitTimeoutMs: number;
  /** Calls admitted per minute window, per group. */
  readonly rateLimits: Readonly<Record<RateGroup, number>>;
  /** Status for an exhausted rate limit: GCE's classic 403, or the 429 of newer front ends. */
  readonly rateLimitStatus: 403 | 429;
  /** Resource-count limits by quota metric (e.g. `BACKEND_SERVICES`). */
  readonly quotas: Readonly<Record<string, number>>;
  /** Whether an exceeded quota fails the insert call (`sync`) or its operation (`operation`). */
  readonly quotaFailure: 'sync' | 'operation';
  readonly faults: readonly FaultRule[];
  /** Whether a global address a forwarding rule uses may be released (the rule keeps the IP). */
  readonly addressDeleteWhileInUse: 'reject' | 'allow';
  readonly defaultHealthState: HealthState;
  /** Reject body fields the discovery schema does not know, as Google's JSON parser does. */
  readonly rejectUnknownFields: boolean;
  readonly seed: number;
}

/** Resource-count quotas per metric; high by default so that tests opt in to quota pressure. */
export const DEFAULT_QUOTAS: Readonly<Record<string, number>> = {
  STATIC_ADDRESSES: 5000,
  HEALTH_CHECKS: 5000,
  BACKEND_SERVICES: 5000,
  URL_MAPS: 5000,
  TARGET_HTTP_PROXIES: 5000,
  TARGET_HTTPS_PROXIES: 5000,
  SSL_CERTIFICATES: 5000,
  FORWARDING_RULES: 5000,
  FIREWALLS: 5000,
  INSTANCES: 5000,
  INSTANCE_GROUPS: 5000,
  NETWORK_ENDPOINT_GROUPS: 5000,
};

/** The configuration used when nothing is overridden. */
export function defaultConfig(): EmulatorConfig {
  return {
    project: 'test-project',
    projectNumber: '123456789012',
    zones: [
      'us-central1-a',
      'us-central1-b',
      'us-central1-c',
      'europe-west1-b',
      'europe-west1-c',
      'europe-west1-d',
      'asia-east1-a',
    ],
    linkBase: 'https://www.googleapis.com/compute/v1/',
    opLatency: 0,
    methodLatency: {},
    waitTimeoutMs: 120_000,
    rateLimits: { mutations: 1500, reads: 1500, lists: 1500, operationReads: 1500 },
    rateLimitStatus: 403,
    quotas: DEFAULT_QUOTAS,
    quotaFailure: 'sync',
    faults: [],
    addressDeleteWhileInUse: 'reject',
    defaultHealthState: 'HEALTHY',
    rejectUnknownFields: true,
    seed: 1,
  };
}

/** A configuration change that was refused; `message` names the bad field. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * A partial configuration: nested records (`rateLimits`, `quotas`, `methodLatency`) merge key by
 * key, and a key set to null is removed (e.g. `{methodLatency: {'compute.urlMaps.update': null}}`).
 */
export type ConfigPatch = Partial<Omit<EmulatorConfig, 'rateLimits' | 'quotas' | 'methodLatency'>> & {
  readonly rateLimits?: Partial<Record<RateGroup, number>>;
  readonly quotas?: Readonly<Record<string, number | null>>;
  readonly methodLatency?: Readonly<Record<string, LatencySpec | null>>;
};

/**
 * Returns `base` with `patch` applied (records merge, everything else replaces), or throws
 * {@link ConfigError} naming the first invalid field; `base` is never modified.
 */
export function mergeConfig(base: EmulatorConfig, patch: unknown): EmulatorConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new ConfigError('config must be a JSON object');
  const p = patch as Record<string, unknown>;
  const known = new Set(Object.keys(base));
  for (const key of Object.keys(p))
    if (!known.has(key)) throw new ConfigError(`unknown config field '${key}'`);
  const merged = {
    ...base,
    ...p,
    rateLimits: mergeRecord(base.rateLimits, p.rateLimits),
    quotas: mergeRecord(base.quotas, p.quotas),
    methodLatency: mergeRecord(base.methodLatency, p.methodLatency),
  } as EmulatorConfig;
  validateConfig(merged);
  return merged;
}

function mergeRecord<T>(base: Readonly<Record<string, T>>, patch: unknown): Record<string, T> {
  if (patch === undefined) return { ...base };
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new ConfigError('nested config values must be objects');
  const out: Record<string, T> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v as T;
  }
  return out;
}

function validateLatency(field: string, spec: unknown): void {
  const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (nonNegative(spec)) return;
  if (typeof spec === 'object' && spec !== null) {
    const s = spec as Record<string, unknown>;
    if ('fixedMs' in s && nonNegative(s.fixedMs)) return;
    if (
      'minMs' in s &&
      nonNegative(s.minMs) &&
      nonNegative(s.maxMs) &&
      (s.minMs as number) <= (s.maxMs as number)
    )
      return;
    if ('meanMs' in s && nonNegative(s.meanMs) && (s.maxMs === undefined || nonNegative(s.maxMs))) return;
  }
  throw new ConfigError(`${field} must be a number of ms, {fixedMs}, {minMs,maxMs} or {meanMs[,maxMs]}`);
}

const FAULT_ACTIONS = new Set(['error', 'errorAfterApply', 'drop', 'operationFail', 'operationHang']);

function validateConfig(c: EmulatorConfig): void {
  if (typeof c.project !== 'string' || !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(c.project)) {
    throw new ConfigError(`project '${String(c.project)}' is not a valid project id`);
  }
  if (
    !Array.isArray(c.zones) ||
    c.zones.some((z) => typeof z !== 'string' || !/^[a-z]+-[a-z]+[0-9]+-[a-z]$/.test(z))
  ) {
    throw new ConfigError('zones must be zone names such as us-central1-a');
  }
  if (typeof c.linkBase !== 'string' || !/^https?:\/\/[^/]+\/compute\/v1\/$/.test(c.linkBase)) {
    throw new ConfigError('linkBase must look like https://host/compute/v1/');
  }
  validateLatency('opLatency', c.opLatency);
  for (const [m, spec] of Object.entries(c.methodLatency)) validateLatency(`methodLatency['${m}']`, spec);
  if (!(c.waitTimeoutMs >= 0)) throw new ConfigError('waitTimeoutMs must be >= 0');
  for (const [g, n] of Object.entries(c.rateLimits)) {
    if (!(typeof n === 'number' && n >= 0)) throw new ConfigError(`rateLimits.${g} must be a number >= 0`);
  }
  if (c.rateLimitStatus !== 403 && c.rateLimitStatus !== 429)
    throw new ConfigError('rateLimitStatus must be 403 or 429');
  for (const [m, n] of Object.entries(c.quotas)) {
    if (!(typeof n === 'number' && n >= 0)) throw new ConfigError(`quotas.${m} must be a number >= 0`);
  }
  if (c.quotaFailure !== 'sync' && c.quotaFailure !== 'operation')
    throw new ConfigError("quotaFailure must be 'sync' or 'operation'");
  if (!Array.isArray(c.faults)) throw new ConfigError('faults must be an array');
  c.faults.forEach((f, i) => {
    if (typeof f?.method !== 'string' || !FAULT_ACTIONS.has(f.action)) {
      throw new ConfigError(`faults[${i}] needs a method and an action in ${[...FAULT_ACTIONS].join(', ')}`);
    }
    if (f.probability !== undefined && !(f.probability >= 0 && f.probability <= 1)) {
      throw new ConfigError(`faults[${i}].probability must be in [0, 1]`);
    }
    if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599)) {
      throw new ConfigError(`faults[${i}].status must be an HTTP error status`);
    }
  });
  if (c.addressDeleteWhileInUse !== 'reject' && c.addressDeleteWhileInUse !== 'allow') {
    throw new ConfigError("addressDeleteWhileInUse must be 'reject' or 'allow'");
  }
  if (!['HEALTHY', 'UNHEALTHY', 'UNKNOWN', 'DRAINING', 'TIMEOUT'].includes(c.defaultHealthState)) {
    throw new ConfigError('defaultHealthState must be a GCE health state');
  }
}
