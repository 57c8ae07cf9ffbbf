/**
 * Member facts for one load balancer, the way the controller gets them (DESIGN §7), in one run
 * with a deadline: a MemberClusterSession per member watches the Services and Pods the Ingress
 * needs; once every watch has listed, translate runs; then the member-side objects are ensured
 * (`neg`: derived Services; `instance-group`: the Ingress copy) and the run waits until every
 * member reports its NEGs or instance groups, or the deadline passes. Sessions are stopped
 * before it returns.
 */
import type { NodeNetwork } from '../../kube/member-node-network.ts';
import { MemberClusterSession } from '../../kube/member-facts.ts';
import { ensureDerivedService, ensureIngressCopy } from '../../kube/member-objects.ts';
import type { V1Ingress } from '@kubernetes/client-node';
import type { ClusterInfo } from '../../model/cluster.ts';
import type { Ingress } from '../../model/ingress.ts';
import type { MemberFacts } from '../../model/member-facts.ts';
import type {
  BackendMode,
  ClusterProblem,
  ClusterProblemCode,
  SecretData,
  TranslateOptions,
  TranslateResult,
} from '../../model/translate.ts';
import { formatDuration } from '../../options/duration.ts';
import { CLUSTER_ENABLED_LABEL } from '../../translate/annotations.ts';
import { translate } from '../../translate/translate.ts';
import { stableStringify } from '../../util/stable-json.ts';
import { ClusterError } from './errors.ts';
import { servicesOf } from './ingress-file.ts';
import type { Member } from './members.ts';

/** Problems that mean "not reported yet": worth waiting for. */
const WAITING: ReadonlySet<ClusterProblemCode> = new Set(['NegNotReady', 'InstanceGroupsMissing', 'NoFacts']);

/** True for a problem that means "not reported yet" (NEGs, instance groups, facts). */
export function isWaitingProblem(problem: ClusterProblem): boolean {
  return WAITING.has(problem.code);
}

/** Problems `--validate` stops on before anything is written (kubemci's pre-flight checks, and more). */
const VALIDATED: ReadonlySet<ClusterProblemCode> = new Set([
  'ServiceMissing',
  'NodePortMissing',
  'NoNodeTags',
]);

/** Re-check this often even when no fact changed (a watch that synced changes no fact). */
const POLL_MS = 250;

/** What gathering needs. */
export interface GatherInput {
  readonly members: readonly Member[];
  /** The Ingress, named after the load balancer, in its namespace. */
  readonly ingress: Ingress;
  readonly mode: BackendMode;
  readonly translateOptions: TranslateOptions;
  readonly secrets: Readonly<Record<string, SecretData | undefined>>;
  readonly nodeNetworks: ReadonlyMap<string, NodeNetwork>;
  /** Write nothing in members: facts as they are, no waiting for NEGs. */
  readonly dryRun: boolean;
  readonly validate: boolean;
  readonly waitTimeoutMs: number;
  readonly now?: () => number;
}

/** A member object the run created or changed. */
export interface MemberChange {
  readonly cluster: string;
  readonly description: string;
}

/** What gathering found. */
export interface GatherResult {
  /** The last translation; undefined only when no member ever listed (see `blocking`). */
  readonly translation: TranslateResult | undefined;
  /** Failures that forbid writing to GCE: a member that could not be read, or refused our objects. */
  readonly blocking: readonly Error[];
  /** Clusters still waiting at the deadline: reported, while the load balancer is built without them. */
  readonly late: readonly Error[];
  readonly changes: readonly MemberChange[];
}

/**
 * Gathers facts and translates. Never throws for member failures: they are in `blocking`; the
 * sessions are stopped in every case.
 */
export async function gatherAndTranslate(input: GatherInput): Promise<GatherResult> {
  const now = input.now ?? Date.now;
  const namespace = input.ingress.metadata?.namespace ?? '';
  const lbName = input.ingress.metadata?.name ?? '';
  const instanceId = input.translateOptions.instanceId;
  const sessions = input.members.map(
    (m) =>
      new MemberClusterSession({
        cluster: m.name,
        instanceId,
        kubeConfig: m.kubeConfig,
        nodeNetwork: input.nodeNetworks.get(m.name) ?? {},
      }),
  );
  const byName = new Map(input.members.map((m) => [m.name, m]));
  const clusters: ClusterInfo[] = input.members.map((m) => ({
    name: m.name,
    labels: { [CLUSTER_ENABLED_LABEL]: 'true' },
  }));
  const ensured = new Set<string>();
  const changes: MemberChange[] = [];
  const deadline = now() + input.waitTimeoutMs;
  let validated = false;
  try {
    for (const s of sessions) {
      s.setNeeds([
        { namespace, ingress: lbName, services: servicesOf(input.ingress.spec), mode: input.mode },
      ]);
    }
    for (;;) {
      const unsynced = sessions.filter((s) => !synced(s));
      let translation: TranslateResult | undefined;
      if (unsynced.length === 0) {
        const memberFacts: Record<string, MemberFacts> = {};
        for (const s of sessions) memberFacts[s.cluster] = s.facts(namespace, { ingress: lbName });
        translation = translate(
          { ingress: input.ingress, clusters, memberFacts, secrets: input.secrets },
          input.translateOptions,
        );
        if (translation.errors.length > 0) return { translation, blocking: [], late: [], changes };
        if (!validated) {
          validated = true;
          const invalid = input.validate
            ? translation.clusterProblems.filter((p) => VALIDATED.has(p.code)).map(toError)
            : [];
          if (invalid.length > 0) return { translation, blocking: invalid, late: [], changes };
        }
        if (!input.dryRun) {
          const failed = await ensureMemberObjects(input, translation, byName, ensured, changes);
          if (failed.length > 0) return { translation, blocking: failed, late: [], changes };
        }
        const waiting = translation.clusterProblems.filter((p) => WAITING.has(p.code));
        if (input.dryRun || waiting.length === 0) return { translation, blocking: [], late: [], changes };
        if (now() >= deadline) {
          const after = formatDuration(input.waitTimeoutMs);
          return { translation, blocking: [], late: waiting.map((p) => lateError(p, after)), changes };
        }
      } else if (now() >= deadline) {
        const after = formatDuration(input.waitTimeoutMs);
        const blocking = unsynced.map((s) => {
          const lastError = s.health().find((h) => h.lastError)?.lastError;
          return new ClusterError(
            s.cluster,
            `could not list its Services and Pods in namespace ${namespace} within ${after}` +
              (lastError ? `: ${lastError}` : ''),
          );
        });
        return { translation: undefined, blocking, late: [], changes };
      }
      await nextChange(sessions, Math.min(POLL_MS, Math.max(0, deadline - now())));
    }
  } finally {
    await Promise.all(sessions.map((s) => s.stop()));
  }
}

/** Every watch of the session has listed, and none is failing. */
function synced(session: MemberClusterSession): boolean {
  const health = session.health();
  return session.reachable && health.length > 0 && health.every((h) => h.synced);
}

/** Resolves at the next fact of any session, or after `ms`. */
function nextChange(sessions: readonly MemberClusterSession[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const subscriptions: { unsubscribe(): void }[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const s of subscriptions) s.unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of sessions) subscriptions.push(s.facts$.subscribe({ next: done, complete: done }));
  });
}

/**
 * Ensures, in every member, the objects this translation needs and that were not ensured yet in
 * this run. Resolves with the failures (MemberCallError, MemberObjectError), one per object.
 */
async function ensureMemberObjects(
  input: GatherInput,
  translation: TranslateResult,
  members: ReadonlyMap<string, Member>,
  ensured: Set<string>,
  changes: MemberChange[],
): Promise<Error[]> {
  const instanceId = input.translateOptions.instanceId;
  const lbName = input.ingress.metadata?.name ?? '';
  const jobs: {
    key: string;
    cluster: string;
    run: () => Promise<{ outcome: string; namespace: string; name: string }>;
    what: string;
  }[] = [];
  if (translation.backendMode === 'neg') {
    for (const spec of translation.derivedServices) {
      const member = members.get(spec.cluster);
      const key = stableStringify(spec);
      if (member === undefined || ensured.has(key)) continue;
      jobs.push({
        key,
        cluster: spec.cluster,
        what: 'Service',
        run: () =>
          ensureDerivedService(
            { cluster: member.name, kubeConfig: member.kubeConfig },
            {
              instanceId,
              namespace: spec.namespace,
              service: spec.service,
              ingress: lbName,
              ports: spec.ports,
            },
          ),
      });
    }
  } else {
    for (const member of members.values()) {
      const key = `copy\n${member.name}`;
      if (ensured.has(key)) continue;
      jobs.push({
        key,
        cluster: member.name,
        what: 'Ingress',
        run: () =>
          ensureIngressCopy(
            { cluster: member.name, kubeConfig: member.kubeConfig },
            { instanceId, ingress: input.ingress as V1Ingress },
          ),
      });
    }
  }
  const results = await Promise.allSettled(jobs.map((j) => j.run()));
  const failures: Error[] = [];
  results.forEach((result, i) => {
    const job = jobs[i]!;
    if (result.status === 'rejected') {
      const err = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
      failures.push(
        err instanceof ClusterError || /^cluster /.test(err.message)
          ? err
          : new ClusterError(job.cluster, err.message, { cause: err }),
      );
      return;
    }
    ensured.add(job.key);
    if (result.value.outcome !== 'unchanged') {
      changes.push({
        cluster: job.cluster,
        description: `${job.what} ${result.value.namespace}/${result.value.name} ${result.value.outcome}`,
      });
    }
  });
  return failures;
}

function toError(problem: ClusterProblem): ClusterError {
  return new ClusterError(problem.cluster, problem.message);
}

function lateError(problem: ClusterProblem, after: string): ClusterError {
  const who =
    problem.code === 'NegNotReady'
      ? 'is the NEG controller running?'
      : problem.code === 'InstanceGroupsMissing'
        ? 'is ingress-gce running, and are the Services of type NodePort?'
        : 'is the cluster reachable?';
  return new ClusterError(problem.cluster, `${problem.message} after ${after}: ${who}; it is left out`);
}
