// Fixtures of the kubectl-mci unit tests: Ingresses carrying status annotations read from the
// JSON files beside this one, Clusters, and a fixed clock.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Ingress } from '@kubernetes/client-node';
import type { ClusterObject } from '../../../src/pipeline/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The text of a status fixture (`fixtures/<name>.json`), compacted as the controller writes it. */
export function statusFixture(name: string): string {
  return JSON.stringify(JSON.parse(readFileSync(join(here, 'fixtures', `${name}.json`), 'utf8')));
}

/** "Now" in every test: one minute after the healthy fixture's last health check. */
export const NOW = Date.parse('2025-03-01T12:00:00.000Z');

/** A multicluster Ingress (class kubemci) with the given status annotation and generation. */
export function ingress(
  namespace: string,
  name: string,
  opts: {
    status?: string;
    generation?: number;
    annotations?: Record<string, string>;
    className?: string;
  } = {},
): V1Ingress {
  return {
    metadata: {
      namespace,
      name,
      uid: `uid-${namespace}-${name}`,
      generation: opts.generation ?? 2,
      annotations: {
        ...(opts.status !== undefined ? { 'kubemci.io/status': opts.status } : {}),
        ...opts.annotations,
      },
    },
    spec: {
      ingressClassName: opts.className ?? 'kubemci',
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
    },
  };
}

/** A Cluster in kube-multicluster-public. */
export function cluster(
  name: string,
  opts: { enabled?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ClusterObject {
  return {
    metadata: {
      name,
      namespace: 'kube-multicluster-public',
      labels: { ...(opts.enabled === false ? {} : { 'kubemci.io/enabled': 'true' }), ...opts.labels },
      annotations: { ...opts.annotations },
    },
  };
}

/** A status in which each named cluster has one backend web:80 with one group at `capacity`. */
export function statusWith(
  clusters: Record<string, { capacity: number; groups?: number }>,
  extra: object = {},
): string {
  return JSON.stringify({
    version: 1,
    vip: '198.18.0.1',
    backendMode: 'neg',
    observedGeneration: 2,
    clusters: Object.entries(clusters).map(([name, c]) => ({
      name,
      backends: [
        {
          service: 'web',
          port: 80,
          backendService: 'mci2-bs-x',
          capacityScaler: c.capacity,
          groups: Array.from(
            { length: c.groups ?? 1 },
            (_, i) => `zones/z-${i}/networkEndpointGroups/neg-${name}`,
          ),
        },
      ],
      problems: [],
    })),
    resources: {},
    warnings: [],
    ...extra,
  });
}
