/**
 * The Compute Engine emulator's programmatic API: start one on 127.0.0.1 and get its endpoint
 * (the `rootUrl` a Google client takes), its admin URL and direct handles for tests and the
 * member-cluster simulator.
 *
 * ```ts
 * const gce = await startEmulator({ project: 'p', opLatencyMs: 0 });
 * const client = compute({ version: 'v1', rootUrl: gce.endpoint, retry: false });
 * ...
 * await gce.close();
 * ```
 */
import type { AddressInfo } from 'node:net';
import type { CallEntry } from './call-log.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { ConfigPatch, EmulatorConfig, HealthState } from './config.ts';
import type { Core } from './core.ts';
import type { InstanceSpec, StateEntry } from './direct.ts';
import { addInstance, dumpState, removeInstance, setEndpointHealth, setInstanceHealth } from './direct.ts';
import { createCore } from './emulator.ts';
import { createEmulatorServer } from './http-server.ts';
import type { RateWindow } from './rate-limit.ts';
import { setManagedCertificateStatus } from './resources/ssl-certificates.ts';
import type { Json } from './schema.ts';

export type { CallEntry } from './call-log.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { ManualClock, systemClock } from './clock.ts';
export type {
  ConfigPatch,
  EmulatorConfig,
  FaultAction,
  FaultRule,
  HealthState,
  LatencySpec,
  RateGroup,
} from './config.ts';
export { ConfigError } from './config.ts';
export type { InstanceSpec, StateEntry } from './direct.ts';
export type { RateWindow } from './rate-limit.ts';
export { routeRequest } from './resources/url-maps.ts';
export type { Route } from './resources/url-maps.ts';

/** How to start an emulator. */
export interface StartOptions {
  /** TCP port on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  /** Project id served (default `test-project`). */
  readonly project?: string;
  /** Fixed latency of every operation (default 0: operations are DONE in the insert response). */
  readonly opLatencyMs?: number;
  /** The clock operations and rate windows run by (default: the wall clock). */
  readonly clock?: Clock;
  /**
   * Host of the selfLinks written: `google` (`https://www.googleapis.com/compute/v1/`, as the
   * real API, the default) or `endpoint` (this emulator's own URL, which gcloud needs to follow links).
   */
  readonly selfLinks?: 'google' | 'endpoint';
  /** Any other knob (rate limits, quotas, faults...). */
  readonly config?: ConfigPatch;
}

/** A running emulator. */
export interface Emulator {
  /** The rootUrl for Google clients, e.g. `http://127.0.0.1:PORT/`; the API is under `compute/v1/`. */
  readonly endpoint: string;
  /** The admin base URL, e.g. `http://127.0.0.1:PORT/admin/`. */
  readonly admin: string;
  readonly project: string;
  readonly port: number;
  readonly clock: Clock;
  /** The engine itself, for anything the methods below do not cover. */
  readonly core: Core;
  /** Stops the server, closes connections and cancels pending operation timers. */
  close(): Promise<void>;
  /** The call log, oldest first. */
  calls(): CallEntry[];
  clearCalls(): void;
  /** Every resource and operation. */
  state(): { project: string; resources: StateEntry[]; operations: Json[] };
  /**
   * Forgets everything (resources, operations, calls, health, rate windows) and re-seeds; with
   * `config: true` also returns to the starting configuration.
   */
  reset(opts?: { config?: boolean }): void;
  config(): EmulatorConfig;
  /** Merges a partial configuration; throws ConfigError when invalid. */
  setConfig(patch: ConfigPatch): EmulatorConfig;
  /** Per-minute rate-limit windows with admitted and rejected counts per method group. */
  rateLimitWindows(): RateWindow[];
  /** Creates a running VM at once (no operation). Throws ComputeError 400/404/409. */
  addInstance(spec: InstanceSpec): Json;
  /** Deletes a VM at once; false if it did not exist. */
  removeInstance(zone: string, name: string): boolean;
  /** Health of every backend on a VM (undefined: back to the default). */
  setInstanceHealth(zone: string, name: string, state: HealthState | undefined): void;
  /** Health of one NEG endpoint (undefined: back to the VM's, else the default). */
  setEndpointHealth(
    zone: string,
    neg: string,
    ipAddress: string,
    port: number,
    state: HealthState | undefined,
  ): void;
  /** Moves a managed certificate to a provisioning status. */
  setManagedCertificateStatus(name: string, status: 'ACTIVE' | 'PROVISIONING' | 'PROVISIONING_FAILED'): void;
  /** Finishes hung operations (all, or the one named); returns how many. */
  releaseOperations(name?: string): number;
}

/**
 * Starts an emulator on 127.0.0.1. Rejects if the port is taken or the configuration is invalid
 * (ConfigError).
 */
export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const clock = opts.clock ?? systemClock;
  const patch: Record<string, unknown> = { ...(opts.config ?? {}) };
  if (opts.project !== undefined) patch.project = opts.project;
  if (opts.opLatencyMs !== undefined) patch.opLatency = opts.opLatencyMs;
  const core = createCore(patch, clock);
  const server = createEmulatorServer(core);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}/`;
  if (opts.selfLinks === 'endpoint') {
    core.updateConfig({ linkBase: `${endpoint}compute/v1/` }, true);
    core.reset();
  }
  return {
    endpoint,
    admin: `${endpoint}admin/`,
    project: core.config.project,
    port,
    clock,
    core,
    close: () =>
      new Promise<void>((resolve, reject) => {
        core.ops.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    calls: () => core.calls.entries(),
    clearCalls: () => core.calls.clear(),
    state: () => dumpState(core),
    reset: (o) => core.reset(o),
    config: () => core.config,
    setConfig: (p) => core.updateConfig(p),
    rateLimitWindows: () => core.rate.windows(),
    addInstance: (spec) => addInstance(core, spec),
    removeInstance: (zone, name) => removeInstance(core, zone, name),
    setInstanceHealth: (zone, name, state) => setInstanceHealth(core, zone, name, state),
    setEndpointHealth: (zone, neg, ip, port_, state) => setEndpointHealth(core, zone, neg, ip, port_, state),
    setManagedCertificateStatus: (name, status) => setManagedCertificateStatus(core, name, status),
    releaseOperations: (name) => core.ops.release(name),
  };
}
