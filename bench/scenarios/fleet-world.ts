/**
 * The fleet scenarios 2, 4 and 3 share: 1,000 multicluster Ingresses in ten namespaces, each over
 * two Services with HTTP and HTTPS, on members `us` and `eu` (enabled) while `asia` is registered
 * but not enabled. Even Ingresses take every enabled cluster; odd ones select
 * `region in (us,eu)`, so enabling `asia` reaches exactly 500 of them (scenario 3).
 *
 * The first {@link FRESH} Ingresses are left for scenario 2 to create through the controller; the
 * others are seeded converged (bench/lib/seed.ts) before anything is measured.
 */
import type { Emulator } from '../../test/emulator/index.ts';
import { Fleet, type FleetSpec } from '../lib/fleet.ts';
import { startFleetEmulator } from '../lib/gce-world.ts';
import type { ProgressLog } from '../lib/log.ts';
import { seedLoadBalancers, seedNegs } from '../lib/seed.ts';

/** Ingresses in the fleet. */
export const FLEET_SIZE = 1000;
/** Ingresses scenario 2 creates fresh through the controller (the rest are seeded). */
export const FRESH = 100;

/** The fleet's shape. */
export const FLEET_SPEC: FleetSpec = {
  clusters: [
    { name: 'us', zone: 'us-central1-a', labels: { 'kubemci.io/enabled': 'true', region: 'us' } },
    { name: 'eu', zone: 'europe-west1-b', labels: { 'kubemci.io/enabled': 'true', region: 'eu' } },
    { name: 'asia', zone: 'asia-east1-a', labels: { region: 'asia' } },
  ],
  namespaces: 10,
  ingresses: FLEET_SIZE,
  selector: (i) => (i % 2 === 1 ? 'region in (us,eu)' : undefined),
};

/** A running fleet world. */
export interface FleetWorld {
  readonly emulator: Emulator;
  readonly fleet: Fleet;
  /** Whether scenario 2 has created the fresh Ingresses (scenarios 3 and 4 need all converged). */
  freshCreated: boolean;
  close(): Promise<void>;
}

/** Starts the emulator (limits off, operations DONE at once), creates the NEGs, seeds the fleet. */
export async function startFleetWorld(log: ProgressLog): Promise<FleetWorld> {
  const emulator = await startFleetEmulator(0);
  try {
    const fleet = new Fleet(FLEET_SPEC);
    const negs = await seedNegs(emulator, FLEET_SPEC);
    const seeded = await seedLoadBalancers(emulator, fleet, fleet.keys().slice(FRESH), { converged: true });
    log(`  fleet: ${negs} NEGs, ${seeded} resources of ${FLEET_SIZE - FRESH} Ingresses seeded`);
    return { emulator, fleet, freshCreated: false, close: () => emulator.close() };
  } catch (err) {
    await emulator.close();
    throw err;
  }
}
