/**
 * Where the simulator reports backend health. GCE health checks probe VMs and endpoints; here
 * the simulator knows which pods are ready and tells the Compute emulator what its
 * `backendServices.getHealth` (and `listNetworkEndpoints` with health) should answer. Everything
 * the simulator needs from the emulator for health goes through this one interface.
 */

/** A GCE health state, as `getHealth` reports it. */
export type HealthState = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' | 'DRAINING' | 'TIMEOUT';

/** A zonal resource of the simulated project. */
export interface ZonalRef {
  readonly project: string;
  readonly zone: string;
  readonly name: string;
}

/** Receives health changes; `undefined` clears a state (the emulator's default applies again). */
export interface HealthSink {
  /** The health of every backend on one VM (instance-group backends). */
  setInstanceHealth(instance: ZonalRef, state: HealthState | undefined): void | Promise<void>;
  /** The health of one endpoint `ipAddress:port` of one NEG. */
  setEndpointHealth(
    neg: ZonalRef,
    endpoint: { readonly instance: string; readonly ipAddress: string; readonly port: number },
    state: HealthState | undefined,
  ): void | Promise<void>;
}

/** A sink that ignores everything (no emulator hook available). */
export const noHealthSink: HealthSink = {
  setInstanceHealth: () => undefined,
  setEndpointHealth: () => undefined,
};

/** The canonical path of a zonal resource, as the emulator keys its health states. */
export function zonalPath(ref: ZonalRef, collection: 'instances' | 'networkEndpointGroups'): string {
  return `projects/${ref.project}/zones/${ref.zone}/${collection}/${ref.name}`;
}

/**
 * A sink that remembers the last state reported for each instance and endpoint: for tests, and to
 * look up what was last reported.
 */
export class RecordingHealthSink implements HealthSink {
  readonly instances = new Map<string, HealthState>();
  readonly endpoints = new Map<string, HealthState>();

  setInstanceHealth(instance: ZonalRef, state: HealthState | undefined): void {
    const key = zonalPath(instance, 'instances');
    if (state === undefined) this.instances.delete(key);
    else this.instances.set(key, state);
  }

  setEndpointHealth(
    neg: ZonalRef,
    endpoint: { readonly ipAddress: string; readonly port: number },
    state: HealthState | undefined,
  ): void {
    const key = `${zonalPath(neg, 'networkEndpointGroups')}|${endpoint.ipAddress}|${endpoint.port}`;
    if (state === undefined) this.endpoints.delete(key);
    else this.endpoints.set(key, state);
  }
}

/** Sends every change to each of `sinks` in turn. */
export function teeHealthSinks(...sinks: HealthSink[]): HealthSink {
  return {
    async setInstanceHealth(instance, state) {
      for (const s of sinks) await s.setInstanceHealth(instance, state);
    },
    async setEndpointHealth(neg, endpoint, state) {
      for (const s of sinks) await s.setEndpointHealth(neg, endpoint, state);
    },
  };
}

/** The health hooks the Compute emulator offers (its `startEmulator` handle has them). */
export interface EmulatorHealthHooks {
  setInstanceHealth(zone: string, name: string, state: HealthState | undefined): void;
  setEndpointHealth(
    zone: string,
    neg: string,
    ipAddress: string,
    port: number,
    state: HealthState | undefined,
  ): void;
}

/**
 * A sink that sets health in the Compute emulator through its direct hooks. Clearing the health of
 * a VM or NEG the emulator no longer knows (404) is not an error: there is nothing left to clear.
 */
export function emulatorHealthSink(emulator: EmulatorHealthHooks): HealthSink {
  const quietly = (fn: () => void, clearing: boolean) => {
    try {
      fn();
    } catch (err) {
      if (!(clearing && (err as { code?: unknown }).code === 404)) throw err;
    }
  };
  return {
    setInstanceHealth: (instance, state) =>
      quietly(() => emulator.setInstanceHealth(instance.zone, instance.name, state), state === undefined),
    setEndpointHealth: (neg, endpoint, state) =>
      quietly(
        () => emulator.setEndpointHealth(neg.zone, neg.name, endpoint.ipAddress, endpoint.port, state),
        state === undefined,
      ),
  };
}
