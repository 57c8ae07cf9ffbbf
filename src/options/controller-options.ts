import { parseArgs } from 'node:util';
import type { GceCredentials } from '../gce/index.ts';
import { parseDuration } from './duration.ts';

/** A command line the controller cannot run with. The message names the flag. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** Everything the controller is configured with, parsed and validated once. */
export interface ControllerOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly project: string;
  readonly gceEndpoint?: string;
  readonly credentials: GceCredentials;
  /** Part of every GCE name and ownership marker; default: the registry's kube-system namespace UID. */
  readonly instanceId?: string;
  readonly inventoryNamespaces: readonly string[];
  /** Namespaces whose Ingresses are watched; empty = all. */
  readonly watchNamespaces: readonly string[];
  readonly resyncPeriodMs: number;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string;
  readonly leaseDurationMs: number;
  readonly metricsAddr: { readonly host: string; readonly port: number };
  readonly healthPollPeriodMs: number;
  readonly unreachableGraceMs: number;
  readonly clusterStatusPeriodMs: number;
  readonly watchSilenceTimeoutMs: number;
  readonly orphanSweepPeriodMs: number;
  readonly orphanSweepDryRun: boolean;
  readonly maxRatePerEndpoint: number;
  /** The controller's own address, for choosing a Cluster endpoint by clientCIDR. */
  readonly controllerAddress?: string;
  readonly gceWritesPerMinute: number;
  readonly gceReadsPerMinute: number;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export const CONTROLLER_USAGE = `usage: kubemci-controller [flags]

  --kubeconfig FILE             the registry cluster (default: in-cluster, else KUBECONFIG)
  --context NAME                kubeconfig context
  --project ID                  GCE project (alias --gcp-project)            [required]
  --gce-endpoint URL            Compute API root URL (default Google's)
  --access-token-file FILE      bearer token for GCE, re-read when it changes
                                (default: Application Default Credentials)
  --instance-id ID              names and ownership (default: kube-system namespace UID)
  --inventory-namespaces A,B    where Clusters are read (default kube-multicluster-public)
  --watch-namespaces A,B        Ingress namespaces (default all)
  --resync-period 10m           re-reconcile every Ingress (GCE drift is not watched)
  --concurrency 4               reconciles at once
  --dry-run                     plan and log, write nothing to GCE or members
  --leader-elect                take a coordination.k8s.io Lease before reconciling
  --leader-election-namespace N namespace of the Lease (default kube-multicluster-public)
  --lease-duration 15s
  --metrics-addr :8080          /metrics, /healthz, /readyz
  --health-poll-period 60s      backend health (getHealth) poll
  --unreachable-grace 10m       keep an unreachable member's backends this long
  --cluster-status-period 60s   at most one OK-condition heartbeat per Cluster per period
  --watch-silence-timeout 5m    /healthz fails when a watch is silent this long
  --orphan-sweep-period 30m     remove our GCE resources whose Ingress is gone
  --orphan-sweep-dry-run        only log what the sweep would delete
  --max-rate-per-endpoint 100   neg mode RATE target per endpoint
  --controller-address IP       for Cluster endpoints chosen by clientCIDR
  --gce-writes-per-minute 600   client-side budget shared by all Ingresses
  --gce-reads-per-minute 1200
  --log-level info              error | warn | info | debug
`;

/**
 * Parses the controller's command line; the only other configuration is KUBECONFIG, read by the
 * composition root when --kubeconfig is absent. Throws OptionsError naming the flag (message
 * "help" for --help).
 */
export function parseControllerOptions(argv: readonly string[]): ControllerOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        project: { type: 'string' },
        'gcp-project': { type: 'string' },
        'gce-endpoint': { type: 'string' },
        'access-token-file': { type: 'string' },
        'instance-id': { type: 'string' },
        'inventory-namespaces': { type: 'string', default: 'kube-multicluster-public' },
        'watch-namespaces': { type: 'string', default: '' },
        'resync-period': { type: 'string', default: '10m' },
        concurrency: { type: 'string', default: '4' },
        'dry-run': { type: 'boolean', default: false },
        'leader-elect': { type: 'boolean', default: false },
        'leader-election-namespace': { type: 'string', default: 'kube-multicluster-public' },
        'lease-duration': { type: 'string', default: '15s' },
        'metrics-addr': { type: 'string', default: ':8080' },
        'health-poll-period': { type: 'string', default: '60s' },
        'unreachable-grace': { type: 'string', default: '10m' },
        'cluster-status-period': { type: 'string', default: '60s' },
        'watch-silence-timeout': { type: 'string', default: '5m' },
        'orphan-sweep-period': { type: 'string', default: '30m' },
        'orphan-sweep-dry-run': { type: 'boolean', default: false },
        'max-rate-per-endpoint': { type: 'string', default: '100' },
        'controller-address': { type: 'string' },
        'gce-writes-per-minute': { type: 'string', default: '600' },
        'gce-reads-per-minute': { type: 'string', default: '1200' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new OptionsError((err as Error).message.split('\n')[0] ?? 'bad flags');
  }
  const v = parsed.values;
  if (v.help) throw new OptionsError('help');
  const project = v.project ?? v['gcp-project'];
  if (!project) throw new OptionsError('--project is required');
  if (!/^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(project)) {
    throw new OptionsError(`--project ${JSON.stringify(project)} is not a GCE project ID`);
  }
  const endpoint = v['gce-endpoint'];
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new OptionsError(`--gce-endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OptionsError('--gce-endpoint must be an http or https URL');
    }
  }
  const duration = (flag: string, value: string) => {
    try {
      const ms = parseDuration(value);
      if (ms <= 0) throw new OptionsError(`--${flag} must be positive`);
      return ms;
    } catch (err) {
      throw new OptionsError(`--${flag}: ${(err as Error).message}`);
    }
  };
  const positiveInt = (flag: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new OptionsError(`--${flag} must be a whole number ≥ 1, got ${value}`);
    return n;
  };
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const inventoryNamespaces = list(v['inventory-namespaces']);
  if (inventoryNamespaces.length === 0)
    throw new OptionsError('--inventory-namespaces must name at least one namespace');
  const logLevel = v['log-level'];
  if (logLevel !== 'error' && logLevel !== 'warn' && logLevel !== 'info' && logLevel !== 'debug') {
    throw new OptionsError(`--log-level must be error, warn, info or debug, got ${logLevel}`);
  }
  const maxRate = Number(v['max-rate-per-endpoint']);
  if (!(maxRate > 0)) throw new OptionsError('--max-rate-per-endpoint must be a positive number');
  const tokenFile = v['access-token-file'];
  return {
    kubeconfig: v.kubeconfig,
    context: v.context,
    project,
    gceEndpoint: endpoint,
    credentials: tokenFile ? { source: 'access-token-file', path: tokenFile } : { source: 'adc' },
    instanceId: v['instance-id'],
    inventoryNamespaces,
    watchNamespaces: list(v['watch-namespaces']),
    resyncPeriodMs: duration('resync-period', v['resync-period']),
    concurrency: positiveInt('concurrency', v.concurrency),
    dryRun: v['dry-run'],
    leaderElect: v['leader-elect'],
    leaderElectionNamespace: v['leader-election-namespace'],
    leaseDurationMs: duration('lease-duration', v['lease-duration']),
    metricsAddr: parseAddr(v['metrics-addr']),
    healthPollPeriodMs: duration('health-poll-period', v['health-poll-period']),
    unreachableGraceMs: duration('unreachable-grace', v['unreachable-grace']),
    clusterStatusPeriodMs: duration('cluster-status-period', v['cluster-status-period']),
    watchSilenceTimeoutMs: duration('watch-silence-timeout', v['watch-silence-timeout']),
    orphanSweepPeriodMs: duration('orphan-sweep-period', v['orphan-sweep-period']),
    orphanSweepDryRun: v['orphan-sweep-dry-run'],
    maxRatePerEndpoint: maxRate,
    controllerAddress: v['controller-address'],
    gceWritesPerMinute: positiveInt('gce-writes-per-minute', v['gce-writes-per-minute']),
    gceReadsPerMinute: positiveInt('gce-reads-per-minute', v['gce-reads-per-minute']),
    logLevel,
  };
}

function parseAddr(text: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port < 65536)) {
    throw new OptionsError(`--metrics-addr ${JSON.stringify(text)} is not HOST:PORT or :PORT`);
  }
  return { host: m[1] || '0.0.0.0', port };
}
