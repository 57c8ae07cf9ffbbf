/**
 * Backend health as `backendServices.getHealth` and `listNetworkEndpoints` report it. Nothing
 * probes anything: a test (or the member-cluster simulator) sets the state of an instance or of
 * one NEG endpoint, and anything unset reports the configured default.
 */
import type { HealthState } from './config.ts';

/** Health states set from outside, by instance path and by NEG endpoint. */
export class HealthRegistry {
  #instances = new Map<string, HealthState>();
  #endpoints = new Map<string, HealthState>();

  /** Sets the health of every backend on the VM at `instancePath` (undefined clears it). */
  setInstance(instancePath: string, state: HealthState | undefined): void {
    if (state === undefined) this.#instances.delete(instancePath);
    else this.#instances.set(instancePath, state);
  }

  /** Sets the health of one endpoint `ip:port` of the NEG at `negPath` (undefined clears it). */
  setEndpoint(negPath: string, ip: string, port: number, state: HealthState | undefined): void {
    const key = `${negPath}|${ip}|${port}`;
    if (state === undefined) this.#endpoints.delete(key);
    else this.#endpoints.set(key, state);
  }

  /** The state set for an instance, if any. */
  instance(instancePath: string): HealthState | undefined {
    return this.#instances.get(instancePath);
  }

  /** The state of an endpoint: its own if set, else its instance's, else undefined. */
  endpoint(negPath: string, ip: string, port: number, instancePath?: string): HealthState | undefined {
    return (
      this.#endpoints.get(`${negPath}|${ip}|${port}`) ??
      (instancePath ? this.#instances.get(instancePath) : undefined)
    );
  }

  /** Forgets every state. */
  clear(): void {
    this.#instances.clear();
    this.#endpoints.clear();
  }
}
