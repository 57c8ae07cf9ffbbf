/** `kubectl mci status NAME`: one multicluster Ingress, its clusters, backends, resources and Events. */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { GceClient } from '../../gce/index.ts';
import { STATUS_EVENT_COUNT } from './defaults.ts';
import { MciError, oneLine } from './errors.ts';
import { formatStatus, type EventView, type StatusView } from './format-status.ts';
import type { Output } from './io.ts';
import { withLiveHealth } from './live-health.ts';
import { ingressClassOf, isManagedIngress } from './multicluster.ts';
import type { GceAccess, StatusCommand } from './options.ts';
import type { Registry } from './registry.ts';
import { summarizeIngress } from './summary.ts';

/** When an Event last happened: the newest of its time stamps, as kubectl's LAST SEEN. */
function lastSeen(e: CoreV1Event): string | undefined {
  const t =
    e.series?.lastObservedTime ??
    e.lastTimestamp ??
    e.eventTime ??
    e.firstTimestamp ??
    e.metadata?.creationTimestamp;
  if (t === undefined || t === null) return undefined;
  return t instanceof Date ? t.toISOString() : String(t);
}

/**
 * The last `count` Events of the Ingress, oldest first. Events of an earlier Ingress with the
 * same name (another UID) are left out. Pure.
 */
export function toEventViews(
  events: readonly CoreV1Event[],
  uid: string | undefined,
  count: number,
): EventView[] {
  return events
    .filter((e) => uid === undefined || e.involvedObject?.uid === undefined || e.involvedObject.uid === uid)
    .map((e) => {
      const seen = lastSeen(e);
      return {
        type: e.type ?? 'Normal',
        reason: e.reason ?? '',
        message: oneLine(e.message ?? ''),
        count: e.series?.count ?? e.count ?? 1,
        ...(seen !== undefined ? { lastSeen: seen } : {}),
      };
    })
    .sort((a, b) => Date.parse(a.lastSeen ?? '') - Date.parse(b.lastSeen ?? '') || 0)
    .slice(-count);
}

/**
 * Shows the Ingress; resolves with the exit code: 0 when all is well, 1 when it has a problem.
 * Rejects with a one-line MciError when it does not exist or is not multicluster, and with a
 * KubeCallError when it cannot be read. Events that cannot be read are reported in place.
 */
export async function runStatus(
  cmd: StatusCommand,
  registry: Registry,
  namespace: string,
  out: Output,
  makeGce: (access: GceAccess) => GceClient,
): Promise<number> {
  const ingress = await registry.getIngress(namespace, cmd.name);
  if (!ingress) throw new MciError(`ingress ${namespace}/${cmd.name} not found`);
  if (!isManagedIngress(ingress)) {
    const cls = ingressClassOf(ingress);
    throw new MciError(
      `ingress ${namespace}/${cmd.name} is not a multicluster Ingress: its class is ${cls === undefined ? 'not set' : `"${cls}"`} (want kubemci)`,
    );
  }
  let summary = summarizeIngress(ingress);
  let live: StatusView['live'];
  if (cmd.live && summary.status) {
    const fresh = await withLiveHealth(makeGce(cmd.live), cmd.live, summary.status, out.now);
    summary = summarizeIngress(ingress, fresh.status);
    live = { errors: fresh.errors };
  }
  let events: StatusView['events'];
  try {
    const all = await registry.listIngressEvents(namespace, cmd.name);
    events = toEventViews(all, ingress.metadata?.uid, STATUS_EVENT_COUNT);
  } catch (err) {
    events = { error: oneLine(err) };
  }
  const view: StatusView = { summary, ...(live ? { live } : {}), events };
  out.stdout(formatStatus(view, { output: cmd.output, now: out.now(), style: out.style }));
  const liveFailed = (live?.errors.length ?? 0) > 0;
  return summary.problems.length > 0 || liveFailed ? 1 : 0;
}
