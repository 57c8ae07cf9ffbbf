/**
 * Bringing one load balancer to what its Ingress and its member clusters say: probe the members
 * (none may be unreadable: the CLI keeps no last-known facts, so it would otherwise drop a
 * cluster's backends for an outage), learn their node tags, read the TLS Secrets from the first
 * member, gather facts and translate, then observe → plan → apply (`syncLoadBalancer`), and
 * finally release member objects the load balancer no longer uses. The shared core of `create`
 * and `remove-clusters`.
 */
import { syncLoadBalancer, type SyncResult } from '../../apply/sync-load-balancer.ts';
import type { NodeNetwork } from '../../kube/member-node-network.ts';
import type { BackendMode, TranslateResult } from '../../model/translate.ts';
import { labelBackendsWithClusters } from './backend-clusters.ts';
import { cleanupMember, type MemberKeep } from './member-cleanup.ts';
import { gatherAndTranslate, isWaitingProblem, type MemberChange } from './gather.ts';
import type { GceContext } from './gce-connect.ts';
import { tlsSecretsOf, type LoadedIngress } from './ingress-file.ts';
import type { KubemciIo } from './io.ts';
import { listNodes, probeMember, readSecrets } from './member-reads.ts';
import type { Member } from './members.ts';
import { discoverNodeNetwork } from './node-network.ts';
import type { GceSettings, MemberSettings } from './options.ts';
import { planJson, planText, shortGroup, statusLine } from './output.ts';
import type { Report } from './report.ts';

/** What converging needs. */
export interface ConvergeInput {
  readonly io: KubemciIo;
  readonly report: Report;
  readonly gce: GceContext;
  readonly gceSettings: GceSettings;
  readonly instanceId: string;
  readonly loaded: LoadedIngress;
  readonly members: readonly Member[];
  readonly settings: MemberSettings;
  /** The mode when the Ingress does not say (`kubemci.io/backend-mode`). */
  readonly mode: BackendMode;
  readonly validate: boolean;
  readonly dryRun: boolean;
}

/** What converging achieved. */
export interface ConvergeResult {
  /** GCE matches the desired graph (nothing was written in a dry run). */
  readonly applied: boolean;
  readonly translation?: TranslateResult;
  readonly sync?: SyncResult;
}

/**
 * Converges and reports every step and failure through `input.report`. Never throws for member
 * or GCE failures (they are reported); throws only for programming errors.
 */
export async function converge(input: ConvergeInput): Promise<ConvergeResult> {
  const { report, loaded, members } = input;
  const { namespace, lbName } = loaded;

  const probes = await Promise.allSettled(members.map((m) => probeMember(m, namespace)));
  const unreachable = probes.flatMap((p) => (p.status === 'rejected' ? [p.reason as Error] : []));
  if (unreachable.length > 0) {
    for (const err of unreachable) report.error(err);
    report.info('Nothing was changed: every named cluster must be reachable.');
    return { applied: false };
  }

  const networks = await Promise.allSettled(members.map((m) => nodeNetworkOf(input, m)));
  const nodeNetworks = new Map<string, NodeNetwork>();
  const networkErrors: Error[] = [];
  networks.forEach((n, i) => {
    if (n.status === 'fulfilled') nodeNetworks.set(members[i]!.name, n.value);
    else networkErrors.push(n.reason as Error);
  });
  if (networkErrors.length > 0) {
    for (const err of networkErrors) report.error(err);
    return { applied: false };
  }

  const secretNames = tlsSecretsOf(loaded.ingress.spec);
  let secrets = {};
  if (secretNames.length > 0 && members[0] !== undefined) {
    try {
      secrets = await readSecrets(members[0], namespace, secretNames);
    } catch (err) {
      report.error(err);
      return { applied: false };
    }
  }

  const gathered = await gatherAndTranslate({
    members,
    ingress: loaded.ingress,
    mode: modeOf(loaded, input.mode),
    translateOptions: {
      project: input.gce.project,
      instanceId: input.instanceId,
      defaultBackendMode: input.mode,
    },
    secrets,
    nodeNetworks,
    dryRun: input.dryRun,
    validate: input.validate,
    waitTimeoutMs: input.settings.waitTimeoutMs,
    now: input.io.now,
  });
  reportChanges(report, gathered.changes);
  const translation = gathered.translation;
  if (translation !== undefined) {
    for (const w of translation.warnings) report.warn(w.message);
    for (const e of translation.errors) report.error(e);
  }
  for (const err of gathered.blocking) report.error(err);
  if (translation === undefined || translation.errors.length > 0 || gathered.blocking.length > 0) {
    report.info('Nothing was changed in GCE.');
    return translation === undefined ? { applied: false } : { applied: false, translation };
  }
  for (const err of gathered.late) report.error(err);
  for (const p of translation.clusterProblems) {
    // Late clusters are errors already; in a dry run the same problems are only what is now.
    if (gathered.late.length > 0 && isWaitingProblem(p)) continue;
    report.warn(`cluster ${p.cluster}: ${p.message}`);
  }

  const desired = labelBackendsWithClusters(translation.desired, translation.backends);
  let sync: SyncResult;
  try {
    sync = await syncLoadBalancer(
      input.gce.gce,
      { instanceId: input.instanceId, ingress: { namespace, name: lbName }, desired },
      { dryRun: input.dryRun },
    );
  } catch (err) {
    report.error(err);
    return { applied: false, translation };
  }
  const context = {
    lbName,
    namespace,
    project: input.gce.project,
    instanceId: input.instanceId,
    dryRun: input.dryRun,
  };
  report.set('plan', planJson(context, sync.plan, desired, translation));
  for (const line of planText(context, sync.plan)) report.info(line);
  for (const p of sync.plan.problems) report.error(p.message);
  for (const f of sync.apply?.failures ?? [])
    report.error(`${f.step.op} ${f.step.kind}/${f.step.name}: ${f.error.message}`);
  for (const s of sync.apply?.steps ?? []) {
    if (s.status === 'skipped')
      report.warn(`${s.step.op} ${s.step.kind}/${s.step.name} skipped (${s.reason})`);
  }
  const applied =
    sync.plan.problems.length === 0 && (sync.apply?.ok ?? false) && (input.dryRun || sync.converged);
  if (!applied) return { applied: false, translation, sync };

  const servingClusters = reportClusters(report, translation);
  if (input.dryRun) return { applied: true, translation, sync };

  const cleanups = await Promise.allSettled(
    members.map((m) =>
      cleanupMember(m, {
        instanceId: input.instanceId,
        namespace,
        lbName,
        keep: keepOf(translation, m.name),
      }),
    ),
  );
  for (const c of cleanups) {
    if (c.status === 'fulfilled') reportChanges(report, c.value);
    else report.error(c.reason);
  }

  const address = translation.frontend?.address.name;
  const found =
    address === undefined ? undefined : await input.gce.gce.get('addresses', address).catch(() => undefined);
  const ip = typeof found?.body.address === 'string' ? found.body.address : undefined;
  report.set('status', { name: lbName, namespace, ipAddress: ip ?? null, clusters: servingClusters });
  report.info(statusLine(lbName, ip, servingClusters));
  return { applied: true, translation, sync };
}

/** `--node-tags` for the member when given, else the tags of its VMs. */
async function nodeNetworkOf(input: ConvergeInput, member: Member): Promise<NodeNetwork> {
  const given = input.settings.nodeTags[member.name];
  if (given !== undefined) return { tags: given };
  const reader = input.io.makeInstanceReader({
    credentials: input.gceSettings.credentials,
    ...(input.gceSettings.endpoint === undefined ? {} : { endpoint: input.gceSettings.endpoint }),
  });
  return discoverNodeNetwork(member.name, await listNodes(member), reader);
}

/** The mode the Ingress will be translated in: its annotation, else the default. */
function modeOf(loaded: LoadedIngress, fallback: BackendMode): BackendMode {
  const annotated = loaded.ingress.metadata?.annotations?.['kubemci.io/backend-mode'];
  return annotated === 'neg' || annotated === 'instance-group' ? annotated : fallback;
}

/** What the load balancer keeps in member `cluster`. */
function keepOf(translation: TranslateResult, cluster: string): MemberKeep {
  if (translation.backendMode === 'instance-group') return { services: new Set(), copy: true };
  return {
    services: new Set(translation.derivedServices.filter((d) => d.cluster === cluster).map((d) => d.service)),
    copy: false,
  };
}

/** One line per member: its groups, or that it has none. Returns the serving clusters, sorted. */
function reportClusters(report: Report, translation: TranslateResult): string[] {
  const groups = new Map<string, Set<string>>();
  for (const cluster of translation.selectedClusters) groups.set(cluster, new Set());
  for (const backend of translation.backends) {
    for (const c of backend.clusters) for (const g of c.groups) groups.get(c.cluster)?.add(g);
  }
  const kind = translation.backendMode === 'neg' ? 'NEGs' : 'instance groups';
  for (const [cluster, set] of groups) {
    report.info(
      set.size === 0
        ? `cluster ${cluster}: no backends`
        : `cluster ${cluster}: ${set.size} ${kind} (${[...set].map(shortGroup).sort().join(', ')})`,
    );
  }
  return [...groups]
    .filter(([, set]) => set.size > 0)
    .map(([c]) => c)
    .sort();
}

function reportChanges(report: Report, changes: readonly MemberChange[]): void {
  for (const c of changes) report.info(`cluster ${c.cluster}: ${c.description}`);
}
