/**
 * `kubectl mci drain CLUSTER` and `undrain CLUSTER`: set or remove the Cluster's
 * `kubemci.io/drain=true`, refusing to drain the last serving cluster of an Ingress without
 * `--force`, and with `--wait` follow the Ingresses' status until the controller has moved the
 * traffic.
 */
import type { ClusterInfo } from '../../model/cluster.ts';
import type { ClusterObject } from '../../pipeline/types.ts';
import { CLUSTER_CAPACITY_ANNOTATION, CLUSTER_DRAIN_ANNOTATION } from '../../translate/annotations.ts';
import { ingressSelectsCluster } from '../../translate/select-clusters.ts';
import { capacityState, type CapacityState } from './drain-progress.ts';
import { MciError } from './errors.ts';
import type { Output } from './io.ts';
import { byNamespaceAndName, isManagedIngress } from './multicluster.ts';
import type { DrainCommand } from './options.ts';
import type { Registry } from './registry.ts';
import { capacityOf, lastServingIngresses, refusalMessage } from './serving.ts';

/** How often `--wait` reads the Ingresses again. */
export const WAIT_POLL_MS = 1000;

const CLUSTERS = 'clusters.clusterregistry.k8s.io';

function infoOf(cluster: ClusterObject): ClusterInfo {
  return {
    name: cluster.metadata?.name ?? '',
    labels: cluster.metadata?.labels ?? {},
    annotations: cluster.metadata?.annotations ?? {},
  };
}

/** The trusted Clusters: those of the inventory namespaces, the first of a name winning. */
async function inventoryClusters(registry: Registry, namespaces: readonly string[]): Promise<ClusterInfo[]> {
  const seen = new Map<string, ClusterInfo>();
  for (const ns of namespaces) {
    for (const c of await registry.listClusters(ns)) {
      const info = infoOf(c);
      if (!seen.has(info.name)) seen.set(info.name, info);
    }
  }
  return [...seen.values()];
}

/**
 * Drains or undrains; resolves with the exit code (0 done, 1 when `--wait` ended without the
 * traffic moved). Rejects with a one-line MciError when the Cluster does not exist, when the
 * drain is refused (naming every Ingress it would leave without a serving cluster), when the
 * controller keeps the cluster serving, or when the wait times out (naming what it waited for);
 * with a KubeCallError when a read or the annotation is refused.
 */
export async function runDrain(
  cmd: DrainCommand,
  registry: Registry,
  out: Output,
  sleep: (ms: number) => Promise<void>,
): Promise<number> {
  const id = `${cmd.namespace}/${cmd.cluster}`;
  const cluster = await registry.getCluster(cmd.namespace, cmd.cluster);
  if (!cluster) throw new MciError(`Cluster ${id} not found (${CLUSTERS})`);
  const drained = cluster.metadata?.annotations?.[CLUSTER_DRAIN_ANNOTATION] === 'true';
  let current = infoOf(cluster);

  if (cmd.kind === 'drain') {
    if (drained) {
      out.stdout(`cluster/${cmd.cluster} is already drained\n`);
    } else {
      if (!cmd.force) {
        const [clusters, ingresses] = await Promise.all([
          inventoryClusters(registry, cmd.inventoryNamespaces),
          registry.listIngresses(undefined),
        ]);
        const last = lastServingIngresses(current, clusters, ingresses);
        if (last.length > 0) throw new MciError(refusalMessage(cmd.cluster, last));
      }
      current = infoOf(
        await registry.annotateCluster(cmd.namespace, cmd.cluster, CLUSTER_DRAIN_ANNOTATION, 'true'),
      );
      out.stdout(`cluster/${cmd.cluster} marked for draining (${CLUSTER_DRAIN_ANNOTATION}=true)\n`);
    }
  } else {
    if (cluster.metadata?.annotations?.[CLUSTER_DRAIN_ANNOTATION] === undefined) {
      out.stdout(`cluster/${cmd.cluster} is not drained\n`);
    } else {
      current = infoOf(
        await registry.annotateCluster(cmd.namespace, cmd.cluster, CLUSTER_DRAIN_ANNOTATION, null),
      );
      out.stdout(`cluster/${cmd.cluster} undrained (${CLUSTER_DRAIN_ANNOTATION} removed)\n`);
    }
    if (capacityOf(current) === 0) {
      const note = `cluster ${cmd.cluster} still takes no traffic: its ${CLUSTER_CAPACITY_ANNOTATION} is 0`;
      if (cmd.wait) throw new MciError(`${note}; set it (0.1 to 1.0) or remove it, then wait again`);
      out.stderr(`warning: ${note}\n`);
    }
  }
  if (!cmd.wait) return 0;
  return waitForCapacity(cmd, current, registry, out, sleep);
}

/**
 * Polls every multicluster Ingress selecting the cluster until each shows the asked capacity on
 * the cluster's backends, printing each Ingress as it gets there.
 */
async function waitForCapacity(
  cmd: DrainCommand,
  cluster: ClusterInfo,
  registry: Registry,
  out: Output,
  sleep: (ms: number) => Promise<void>,
): Promise<number> {
  const mode = cmd.kind;
  const deadline = out.now() + cmd.timeoutMs;
  const told = new Map<string, string>();
  for (;;) {
    const ingresses = (await registry.listIngresses(undefined))
      .filter((i) => isManagedIngress(i) && selectsSafely(i, cluster))
      .sort(byNamespaceAndName);
    const states = ingresses.map((i) => ({
      key: `${i.metadata?.namespace}/${i.metadata?.name}`,
      state: capacityState(i, cluster.name, mode),
    }));
    for (const { key, state } of states) {
      if (state.kind === 'waiting' || told.get(key) === state.kind) continue;
      told.set(key, state.kind);
      out.stdout(`ingress ${key}: ${describe(state, cluster.name, mode)}\n`);
    }
    const kept = states.filter((s) => s.state.kind === 'kept');
    if (kept.length > 0) {
      const one = kept.length === 1;
      throw new MciError(
        `cluster ${cluster.name} is marked drained, but ${kept.map((k) => `ingress ${k.key}`).join(', ')} ` +
          `${one ? 'keeps' : 'keep'} it at full capacity: it is ${one ? 'its' : 'their'} last serving cluster`,
      );
    }
    const waiting = states.filter((s) => s.state.kind === 'waiting');
    if (waiting.length === 0) {
      out.stdout(
        mode === 'drain'
          ? `cluster/${cluster.name} drained: no Ingress sends it traffic\n`
          : `cluster/${cluster.name} undrained: every Ingress gives it capacity\n`,
      );
      return 0;
    }
    if (out.now() >= deadline) {
      throw new MciError(
        `timed out after ${Math.round(cmd.timeoutMs / 1000)}s waiting for the controller to ${mode} cluster ${cluster.name}: ` +
          waiting.map((w) => `ingress ${w.key}: ${w.state.detail}`).join('; '),
      );
    }
    await sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - out.now())));
  }
}

function describe(state: CapacityState, cluster: string, mode: 'drain' | 'undrain'): string {
  switch (state.kind) {
    case 'done':
      return mode === 'drain'
        ? `no traffic to cluster ${cluster} (${state.detail})`
        : `cluster ${cluster} takes traffic (${state.detail})`;
    default:
      return state.detail;
  }
}

function selectsSafely(ingress: Parameters<typeof ingressSelectsCluster>[0], cluster: ClusterInfo): boolean {
  try {
    return ingressSelectsCluster(ingress, cluster.labels);
  } catch {
    return false;
  }
}
