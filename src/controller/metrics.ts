import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The controller's Prometheus metrics, on a registry of their own (no global state). */
export interface ControllerMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'outcome'>;
  readonly reconcileDuration: Histogram<'outcome'>;
  readonly queueDepth: Gauge<'state'>;
  readonly gceCalls: Counter<'method' | 'code'>;
  readonly driftCorrected: Counter<'kind'>;
  readonly clustersReady: Gauge<'state'>;
  readonly leader: Gauge;
  readonly ingresses: Gauge<'state'>;
  readonly unhealthyBackends: Gauge<'ingress' | 'cluster'>;
}

/** Creates the metrics on a new registry, with Node's default process metrics. */
export function createMetrics(): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kubemci_' });
  const reg = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: 'kubemci_reconciles_total',
      help: 'Reconciles of multicluster Ingresses by outcome (ok, requeue, error, terminal).',
      labelNames: ['outcome'],
      registers: reg,
    }),
    reconcileDuration: new Histogram({
      name: 'kubemci_reconcile_duration_seconds',
      help: 'Duration of one reconcile, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: reg,
    }),
    queueDepth: new Gauge({
      name: 'kubemci_queue_depth',
      help: 'Keys in the work queue by state (pending, running, delayed).',
      labelNames: ['state'],
      registers: reg,
    }),
    gceCalls: new Counter({
      name: 'kubemci_gce_calls_total',
      help: 'Compute API calls by method id and HTTP status (or error kind).',
      labelNames: ['method', 'code'],
      registers: reg,
    }),
    driftCorrected: new Counter({
      name: 'kubemci_drift_corrected_total',
      help: 'GCE resources changed back to the desired state without a change in Kubernetes, by kind.',
      labelNames: ['kind'],
      registers: reg,
    }),
    clustersReady: new Gauge({
      name: 'kubemci_clusters',
      help: 'Clusters in the inventory by state (ready, unreachable, refused).',
      labelNames: ['state'],
      registers: reg,
    }),
    leader: new Gauge({
      name: 'kubemci_leader',
      help: '1 while this replica holds the leader Lease (or runs without leader election).',
      registers: reg,
    }),
    ingresses: new Gauge({
      name: 'kubemci_ingresses',
      help: 'Multicluster Ingresses by the outcome of their last reconcile (ready, progressing, error).',
      labelNames: ['state'],
      registers: reg,
    }),
    unhealthyBackends: new Gauge({
      name: 'kubemci_unhealthy_backends',
      help: 'Backends (NEG endpoints or instances) GCLB reports unhealthy, by Ingress and cluster.',
      labelNames: ['ingress', 'cluster'],
      registers: reg,
    }),
  };
}
