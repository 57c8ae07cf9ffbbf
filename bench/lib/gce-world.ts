/**
 * The GCE side of the in-process scenarios: a Compute emulator on 127.0.0.1 and the controller's
 * own GCE client against it, with a tally of every attempt the client made.
 */
import { createGceClient, systemClock, TokenBucketBudget } from '../../src/gce/index.ts';
import type {
  BudgetLimits,
  CallRecord,
  GceClient,
  GceClientOptions,
  RequestBudget,
} from '../../src/gce/index.ts';
import { NAME_PREFIX } from '../../src/naming/gce-names.ts';
import { startEmulator } from '../../test/emulator/index.ts';
import type { ConfigPatch, Emulator } from '../../test/emulator/index.ts';
import { PROJECT } from './fleet.ts';

/** Rate limits high enough never to bite: the emulator with its limits off. */
export const LIMITS_OFF: ConfigPatch = {
  rateLimits: { mutations: 1e9, reads: 1e9, lists: 1e9, operationReads: 1e9 },
  quotas: Object.fromEntries(
    [
      'STATIC_ADDRESSES',
      'HEALTH_CHECKS',
      'BACKEND_SERVICES',
      'URL_MAPS',
      'TARGET_HTTP_PROXIES',
      'TARGET_HTTPS_PROXIES',
      'SSL_CERTIFICATES',
      'FORWARDING_RULES',
      'FIREWALLS',
      'INSTANCES',
      'INSTANCE_GROUPS',
      'NETWORK_ENDPOINT_GROUPS',
    ].map((metric) => [metric, null]),
  ),
};

/** Starts an emulator for the fleet's project with its limits off and no operation latency. */
export function startFleetEmulator(opLatencyMs = 0): Promise<Emulator> {
  return startEmulator({ project: PROJECT, opLatencyMs, config: LIMITS_OFF });
}

/** The controller's request budget with its defaults: writes and reads per minute, burst a twentieth. */
export function controllerBudget(writesPerMinute: number, readsPerMinute: number): RequestBudget {
  const limits: BudgetLimits = {
    read: { perSecond: readsPerMinute / 60, burst: Math.max(1, Math.round(readsPerMinute / 20)) },
    write: { perSecond: writesPerMinute / 60, burst: Math.max(1, Math.round(writesPerMinute / 20)) },
  };
  return new TokenBucketBudget(limits, systemClock);
}

/** What the client's call-log hook saw, each attempt with the time (performance.now) it ended. */
export class CallTally {
  readonly records: (CallRecord & { readonly at: number })[] = [];

  readonly hook = (record: CallRecord): void => {
    this.records.push({ ...record, at: performance.now() });
  };

  /** Attempts that failed with `kind` (e.g. `rateLimited`). */
  failures(kind: string): number {
    return this.records.filter((r) => r.errorKind === kind).length;
  }

  clear(): void {
    this.records.length = 0;
  }
}

/** The controller's GCE client on an emulator (or any Compute endpoint), as the composition root builds it. */
export function fleetGceClient(
  target: Emulator | string,
  opts: { budget?: RequestBudget; tally?: CallTally; extra?: Partial<GceClientOptions> } = {},
): GceClient {
  return createGceClient({
    project: PROJECT,
    credentials: { source: 'none' },
    endpoint: typeof target === 'string' ? target : target.endpoint,
    namePrefix: `${NAME_PREFIX}-`,
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(opts.tally ? { onCall: opts.tally.hook } : {}),
    ...opts.extra,
  });
}
