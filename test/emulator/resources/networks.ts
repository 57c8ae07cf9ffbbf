/**
 * VPC networks: only reading is served, and one auto-mode network named `default` exists from the
 * start (firewalls, instances and NEGs default to it), as in a fresh project.
 */
import type { Core, Handler } from '../core.ts';
import { regionOf } from '../ip.ts';
import type { ResourceRecord } from '../store.ts';
import { gceTimestamp } from '../timestamps.ts';
import { crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

/** The networks kind (read-only here). */
export const networks: KindSpec = {
  resource: 'networks',
  collection: 'networks',
  scope: 'global',
  kind: 'compute#network',
  schema: 'Network',
  snakeType: 'network',
  fingerprint: false,
  build: (input) => ({ body: input }),
};

/** `compute.networks.get` and `.list`. */
export const networkHandlers: Record<string, Handler> = crudHandlers(networks, ['get', 'list']);

/** Puts the `default` network in place. */
export function seedDefaultNetwork(core: Core): void {
  const project = core.config.project;
  const path = `projects/${project}/global/networks/default`;
  const regions = [...new Set(core.config.zones.map(regionOf))];
  const id = core.store.nextId();
  const record: ResourceRecord = {
    path,
    project,
    scope: { kind: 'global' },
    collection: 'networks',
    name: 'default',
    id,
    body: {
      kind: 'compute#network',
      id,
      creationTimestamp: gceTimestamp(Date.UTC(2020, 0, 1)),
      name: 'default',
      description: 'Default network for the project',
      selfLink: core.link(path),
      selfLinkWithId: core.link(`projects/${project}/global/networks/${id}`),
      autoCreateSubnetworks: true,
      subnetworks: regions.map((r) => core.link(`projects/${project}/regions/${r}/subnetworks/default`)),
      routingConfig: { routingMode: 'REGIONAL', bgpBestPathSelectionMode: 'LEGACY' },
      networkFirewallPolicyEnforcementOrder: 'AFTER_CLASSIC_FIREWALL',
    },
    aux: {},
    state: 'ready',
    version: 1,
    labelVersion: 1,
  };
  core.store.add(record);
}
