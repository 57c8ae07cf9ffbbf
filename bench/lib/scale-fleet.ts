/**
 * The fleet of scenario 5: 50 member clusters (ten regions of five, spread over the emulator's
 * seven zones) and Ingresses in ten namespaces, each selecting the five clusters of one region,
 * so every backend service has five groups.
 */
import type { FleetSpec } from './fleet.ts';

/** Member clusters in the inventory. */
export const SCALE_CLUSTERS = 50;
const ZONES = [
  'us-central1-a',
  'us-central1-b',
  'us-central1-c',
  'europe-west1-b',
  'europe-west1-c',
  'europe-west1-d',
  'asia-east1-a',
];

/** The scale fleet with `ingresses` Ingresses (Ingress `i` is the same whatever the size). */
export function scaleSpec(ingresses: number): FleetSpec {
  return {
    clusters: Array.from({ length: SCALE_CLUSTERS }, (_, i) => ({
      name: `c${String(i).padStart(2, '0')}`,
      zone: ZONES[i % ZONES.length]!,
      labels: { 'kubemci.io/enabled': 'true', region: `r${i % 10}` },
    })),
    namespaces: 10,
    ingresses,
    selector: (i) => `region=r${i % 10}`,
  };
}

/** A distinct VIP for Ingress number `i`, from the emulator's static pool 198.18.0.0/15. */
export function vipOf(i: number): string {
  const n = 16 + i;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}
