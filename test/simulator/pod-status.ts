/**
 * The status a kubelet would report for a running pod, and whether a pod's current status differs
 * from it in anything the simulator owns. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';

/** What the kubelet knows about one running pod. */
export interface RunningPod {
  readonly hostIP: string;
  readonly podIP: string;
  readonly ready: boolean;
  /** When the status is written (RFC 3339), for start and transition times. */
  readonly now: string;
}

/** A time as it travels in JSON; the client's typed lists hold Dates, raw watch events strings. */
type Time = string | Date;

/** A pod condition as written to the API. */
export interface PodConditionJson {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly lastProbeTime: null;
  readonly lastTransitionTime: Time;
  readonly reason?: string;
}

/** The pod status the simulated kubelet writes (JSON, for a merge patch of `pods/status`). */
export interface PodStatusJson {
  readonly phase: 'Running';
  readonly hostIP: string;
  readonly hostIPs: readonly { ip: string }[];
  readonly podIP: string;
  readonly podIPs: readonly { ip: string }[];
  readonly startTime: Time;
  readonly conditions: readonly PodConditionJson[];
  readonly containerStatuses: readonly unknown[];
}

const CONDITION_TYPES = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

/**
 * The full status of a running pod: phase Running, the pod and host IPs, every container running
 * (ready as `ready` says), and the conditions a kubelet sets. Conditions keep their earlier
 * transition time while their status stays the same, as the kubelet does.
 */
export function runningStatus(pod: V1Pod, r: RunningPod): PodStatusJson {
  const previous = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: boolean): PodConditionJson => {
    const text = status ? 'True' : 'False';
    const before = previous.get(type);
    const since: Time =
      before?.status === text && before.lastTransitionTime ? before.lastTransitionTime : r.now;
    return {
      type,
      status: text,
      lastProbeTime: null,
      lastTransitionTime: since,
      ...(status || type === 'PodScheduled' ? {} : { reason: 'ContainersNotReady' }),
    };
  };
  const startedAt: Time = pod.status?.startTime ?? r.now;
  return {
    phase: 'Running',
    hostIP: r.hostIP,
    hostIPs: [{ ip: r.hostIP }],
    podIP: r.podIP,
    podIPs: [{ ip: r.podIP }],
    startTime: startedAt,
    conditions: CONDITION_TYPES.map((t) =>
      condition(t, t === 'Ready' || t === 'ContainersReady' ? r.ready : true),
    ),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `${c.image ?? ''}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${(pod.metadata?.uid ?? '').replace(/-/g, '')}${c.name}`.slice(0, 77),
      ready: r.ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  };
}

/** True if the pod's status is already what {@link runningStatus} would write. */
export function statusUpToDate(pod: V1Pod, r: Omit<RunningPod, 'now'>): boolean {
  const s = pod.status;
  if (!s || s.phase !== 'Running' || s.podIP !== r.podIP || s.hostIP !== r.hostIP) return false;
  const want = r.ready ? 'True' : 'False';
  const cond = (t: string) => s.conditions?.find((c) => c.type === t)?.status;
  if (cond('Ready') !== want || cond('ContainersReady') !== want) return false;
  const containers = pod.spec?.containers ?? [];
  const statuses = s.containerStatuses ?? [];
  return (
    statuses.length === containers.length &&
    containers.every((c) =>
      statuses.some((cs) => cs.name === c.name && cs.ready === r.ready && cs.state?.running),
    )
  );
}
