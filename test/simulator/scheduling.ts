/**
 * The simulated scheduler's one decision: which node a pending pod goes to. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';

/** A node as the scheduler sees it. */
export interface SchedulableNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pods already bound to it (and not finished). */
  readonly pods: number;
}

/** The scheduler name pods get by default; pods naming another scheduler are left alone. */
export const DEFAULT_SCHEDULER = 'default-scheduler';

/** True if the simulator should schedule this pod: unbound, not finished, for the default scheduler. */
export function wantsScheduling(pod: V1Pod): boolean {
  const spec = pod.spec;
  if (!spec || spec.nodeName) return false;
  if (pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  return (spec.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER;
}

/**
 * The node for `pod`: among the nodes whose labels satisfy its `nodeSelector`, the one with the
 * fewest pods, ties broken by name, so replicas spread evenly over nodes and zones and the choice
 * is deterministic. Undefined when no node fits (the pod stays Pending, as it would on GKE).
 */
export function pickNode(pod: V1Pod, nodes: readonly SchedulableNode[]): string | undefined {
  const selector = pod.spec?.nodeSelector ?? {};
  const fits = nodes.filter((n) => Object.entries(selector).every(([k, v]) => n.labels[k] === v));
  fits.sort((a, b) => a.pods - b.pods || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return fits[0]?.name;
}
