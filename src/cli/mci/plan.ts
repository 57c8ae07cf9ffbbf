/**
 * `kubectl mci plan NAME`: the dry run. The controller's reconcile, step by step, from live
 * state and writing nothing: the Ingress, its TLS Secrets and the Clusters from the registry,
 * the members through the Clusters' credentials, translate, then GCE through syncLoadBalancer's
 * dry run (the same observation, the same planner).
 */
import type { V1Ingress, V1Secret } from '@kubernetes/client-node';
import { syncLoadBalancer, type SyncResult } from '../../apply/sync-load-balancer.ts';
import { CLEANUP_FINALIZER } from '../../controller/status-annotation.ts';
import { createTokenSource, type GceClient } from '../../gce/index.ts';
import type { ClusterInfo } from '../../model/cluster.ts';
import type { DesiredResource } from '../../model/gce.ts';
import type { MemberFacts } from '../../model/member-facts.ts';
import type { SecretData, TranslateOptions } from '../../model/translate.ts';
import type { ClusterObject } from '../../pipeline/types.ts';
import { translate } from '../../translate/translate.ts';
import { MciError, oneLine } from './errors.ts';
import { formatPlan, type PlanReport } from './format-plan.ts';
import { explainGceError } from './gce-access.ts';
import type { Output } from './io.ts';
import type { MemberReader } from './member-snapshot.ts';
import { ingressClassOf, isManagedIngress } from './multicluster.ts';
import type { GceAccess, PlanCommand } from './options.ts';
import { toPlanDiff } from './plan-diff.ts';
import type { Registry } from './registry.ts';

/** The controller reads only TLS Secrets (its watch has this field selector); so does plan. */
const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** What plan needs besides the registry. */
export interface PlanDeps {
  readonly makeGce: (access: GceAccess) => GceClient;
  readonly readMembers: MemberReader;
}

/** A Secret as translate reads it: decoded, or absent when it is not a TLS Secret. */
export function toSecretData(secret: V1Secret | undefined): SecretData | undefined {
  if (!secret || secret.type !== TLS_SECRET_TYPE) return undefined;
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
  return data;
}

/**
 * The Clusters the controller trusts, in inventory-namespace order: a name taken by an earlier
 * namespace is refused later (as the inventory refuses a duplicate).
 */
async function trustedClusters(registry: Registry, namespaces: readonly string[]): Promise<ClusterObject[]> {
  const seen = new Map<string, ClusterObject>();
  for (const ns of namespaces) {
    for (const c of await registry.listClusters(ns)) {
      const name = c.metadata?.name ?? '';
      if (!seen.has(name)) seen.set(name, c);
    }
  }
  return [...seen.values()];
}

async function instanceIdOf(cmd: PlanCommand, registry: Registry): Promise<string> {
  if (cmd.instanceId !== undefined) return cmd.instanceId;
  let uid: string | undefined;
  try {
    uid = await registry.namespaceUid('kube-system');
  } catch (err) {
    throw new MciError(
      `cannot read the controller's instance ID (the registry's kube-system namespace UID): ${oneLine(err)}; give --instance-id`,
      { cause: err },
    );
  }
  if (!uid)
    throw new MciError(
      'the registry has no kube-system namespace to take the instance ID from; give --instance-id',
    );
  return uid;
}

/**
 * Computes and prints the plan; resolves with the exit code: 0 when the plan was computed (with
 * `--exit-code`: and has no changes), 1 when the Ingress cannot be translated, the plan cannot be
 * applied, a member could not be read as the controller would, or (with `--exit-code`) there are
 * changes. Rejects with a one-line error when the Ingress is missing or not multicluster, or a
 * registry or GCE read fails (saying which access is lacking when it was refused).
 */
export async function runPlan(
  cmd: PlanCommand,
  registry: Registry,
  namespace: string,
  out: Output,
  deps: PlanDeps,
): Promise<number> {
  const ingress: (V1Ingress & { metadata?: { deletionTimestamp?: unknown } }) | undefined =
    await registry.getIngress(namespace, cmd.name);
  if (!ingress) throw new MciError(`ingress ${namespace}/${cmd.name} not found`);
  const ours = (ingress.metadata?.finalizers ?? []).includes(CLEANUP_FINALIZER);
  const deleting =
    ingress.metadata?.deletionTimestamp !== undefined && ingress.metadata?.deletionTimestamp !== null;
  const managed = isManagedIngress(ingress);
  if (!managed && !ours) {
    const cls = ingressClassOf(ingress);
    throw new MciError(
      `ingress ${namespace}/${cmd.name} is not a multicluster Ingress: its class is ${cls === undefined ? 'not set' : `"${cls}"`} (want kubemci)`,
    );
  }
  const instanceId = await instanceIdOf(cmd, registry);
  const report = {
    namespace,
    name: cmd.name,
    instanceId,
    project: cmd.gce.project,
  };
  const identity = { namespace, name: cmd.name };

  if (deleting || !managed) {
    if (deleting && !ours) {
      out.stdout(
        `ingress ${namespace}/${cmd.name} is being deleted and holds no load balancer of ours: nothing to do\n`,
      );
      return 0;
    }
    const teardown = deleting ? 'the Ingress is being deleted' : 'the Ingress is no longer of class kubemci';
    const sync = await dryRun(deps.makeGce(cmd.gce), cmd.gce, instanceId, identity, []);
    return finish(
      cmd,
      out,
      {
        ...report,
        teardown,
        selectedClusters: [],
        translateErrors: [],
        clusterProblems: [],
        warnings: [],
        members: [],
      },
      sync,
      [],
    );
  }

  const secrets: Record<string, SecretData | undefined> = {};
  for (const tls of ingress.spec?.tls ?? []) {
    if (tls.secretName)
      secrets[tls.secretName] = toSecretData(await registry.getSecret(namespace, tls.secretName));
  }
  const clusterObjects = await trustedClusters(registry, cmd.inventoryNamespaces);
  const clusters: ClusterInfo[] = clusterObjects.map((c) => ({
    name: c.metadata?.name ?? '',
    labels: c.metadata?.labels ?? {},
    annotations: c.metadata?.annotations ?? {},
  }));
  const options: TranslateOptions = {
    project: cmd.gce.project,
    instanceId,
    maxRatePerEndpoint: cmd.maxRatePerEndpoint,
  };

  // What the Ingress needs from which members does not depend on what they say.
  const first = translate({ ingress, clusters, memberFacts: {}, secrets }, options);
  const selected = new Set(first.selectedClusters);
  const tokens =
    cmd.gce.credentials.source === 'adc' || cmd.gce.credentials.source === 'access-token-file'
      ? createTokenSource(cmd.gce.credentials)
      : undefined;
  const readings = await deps.readMembers({
    clusters: clusterObjects.filter((c) => selected.has(c.metadata?.name ?? '')),
    readSecret: async (ns, secretName) => {
      const s = await registry.getSecret(ns, secretName);
      return s ? { metadata: { annotations: s.metadata?.annotations ?? {} }, data: s.data ?? {} } : undefined;
    },
    need: {
      namespace,
      ingress: cmd.name,
      services: [...new Set(first.backends.map((b) => b.service))].sort(),
      mode: first.backendMode,
    },
    instanceId,
    ...(cmd.controllerAddress !== undefined ? { controllerAddress: cmd.controllerAddress } : {}),
    ...(tokens ? { googleToken: async () => (await tokens.token()) ?? '' } : {}),
    timeoutMs: cmd.timeoutMs,
  });
  const memberFacts: Record<string, MemberFacts | undefined> = {};
  for (const r of readings) memberFacts[r.cluster] = r.facts;
  const translation = translate({ ingress, clusters, memberFacts, secrets }, options);
  const members = readings.flatMap((r) => (r.failure ? [{ cluster: r.cluster, ...r.failure }] : []));
  const full: PlanReport = {
    ...report,
    selectedClusters: translation.selectedClusters,
    translateErrors: translation.errors.map((e) => e.message),
    clusterProblems: translation.clusterProblems.map((p) => `cluster ${p.cluster}: ${p.message}`),
    warnings: translation.warnings.map((w) => w.message),
    members,
  };
  if (translation.errors.length > 0) {
    out.stdout(formatPlan(full, { output: cmd.output, style: out.style, all: cmd.all }));
    return 1;
  }
  const sync = await dryRun(deps.makeGce(cmd.gce), cmd.gce, instanceId, identity, translation.desired);
  return finish(cmd, out, full, sync, translation.desired);
}

async function dryRun(
  gce: GceClient,
  access: GceAccess,
  instanceId: string,
  ingress: { namespace: string; name: string },
  desired: readonly DesiredResource[],
): Promise<SyncResult> {
  try {
    // A fresh list, never a cache: the point is to see GCE as it is now.
    return await syncLoadBalancer(gce, { instanceId, ingress, desired }, { dryRun: true, refresh: true });
  } catch (err) {
    throw new MciError(explainGceError(err, access), { cause: err });
  }
}

function finish(
  cmd: PlanCommand,
  out: Output,
  report: PlanReport,
  sync: SyncResult,
  desired: readonly DesiredResource[],
): number {
  const diff = toPlanDiff(sync.plan, sync.observed, desired);
  out.stdout(formatPlan({ ...report, diff }, { output: cmd.output, style: out.style, all: cmd.all }));
  const inexact = report.members.some((m) => m.kind !== 'refused');
  if (diff.problems.length > 0 || inexact) return 1;
  return cmd.exitCode && diff.changes.length > 0 ? 1 : 0;
}
