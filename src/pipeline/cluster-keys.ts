import { defer, filter, mergeMap, startWith, withLatestFrom } from 'rxjs';
import type { Observable, OperatorFunction } from 'rxjs';
import { deepEqual } from './deep-equal.ts';
import { EMPTY_INGRESS_SET } from './ingress-set.ts';
import type { IngressSet } from './ingress-set.ts';
import { keyOf } from './keys.ts';
import { isObjectEvent } from './object-events.ts';
import { trueOnThrow } from './safe-predicate.ts';
import type { ClusterObject, IngressObject, WatchEvent } from './types.ts';

/** Options of {@link clusterEventsToKeys}. */
export interface ClusterFanOutOptions {
  /**
   * The current multicluster Ingresses. Read at each Cluster event with `withLatestFrom`, so it
   * should replay its latest value (`shareReplay({ bufferSize: 1, refCount: true })`); before its
   * first value the set counts as empty.
   */
  readonly ingresses$: Observable<IngressSet>;
  /** Whether an Ingress spreads over a Cluster (opt-in label, cluster selector). A throw counts as true. */
  readonly selects: (ingress: IngressObject, cluster: ClusterObject) => boolean;
  /**
   * Whether a Cluster update can change any reconcile; default {@link clusterChangeMatters}, which
   * ignores the heartbeats the controller itself writes.
   */
  readonly changed?: (previous: ClusterObject, current: ClusterObject) => boolean;
}

/**
 * True unless two versions of a Cluster differ only in `resourceVersion`, `managedFields` or the
 * `lastHeartbeatTime` of their conditions. The controller writes the `OK` condition with a
 * heartbeat at a bounded rate; without this, every heartbeat would reconcile every Ingress on the
 * Cluster. A condition that flips, a label, the spec: all matter. Pure; never throws.
 */
export function clusterChangeMatters(previous: ClusterObject, current: ClusterObject): boolean {
  return !deepEqual(withoutNoise(previous), withoutNoise(current));
}

function withoutNoise(cluster: ClusterObject): unknown {
  const { metadata, status, ...rest } = cluster;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata ?? {};
  const { conditions, ...otherStatus } = status ?? {};
  return {
    ...rest,
    metadata: meta,
    status: {
      ...otherStatus,
      conditions: conditions?.map(({ lastHeartbeatTime: _hb, ...condition }) => condition),
    },
  };
}

/**
 * Maps Cluster watch events to the keys of every multicluster Ingress whose selection matched the
 * old or the new version of the Cluster (controller-runtime's map-function fan-out): a Cluster
 * that joins, leaves or is relabelled reaches both the Ingresses it leaves and those it joins.
 * Informers give no old object, so the operator keeps the last version it saw of each Cluster (per
 * subscription). A deleted Cluster fans out by its last version. An update for which `changed`
 * is false emits nothing. Each key appears at most once per event, in the set's order. `synced` and `error` events are
 * skipped.
 *
 * An Ingress added after the event is not reached, and need not be: its own event enqueues it,
 * and its reconcile reads the Clusters as they are then.
 */
export function clusterEventsToKeys(
  options: ClusterFanOutOptions,
): OperatorFunction<WatchEvent<ClusterObject>, string> {
  const selects = trueOnThrow(options.selects);
  const changed = trueOnThrow(options.changed ?? clusterChangeMatters);
  return (events$) =>
    defer(() => {
      const lastSeen = new Map<string, ClusterObject>();
      return events$.pipe(
        filter(isObjectEvent),
        withLatestFrom(options.ingresses$.pipe(startWith(EMPTY_INGRESS_SET))),
        mergeMap(([event, ingresses]): string[] => {
          const id = keyOf(event.object);
          if (id === undefined) return [];
          const previous = lastSeen.get(id);
          let versions: ClusterObject[];
          if (event.type === 'deleted') {
            lastSeen.delete(id);
            versions = [previous ?? event.object];
          } else {
            lastSeen.set(id, event.object);
            if (previous !== undefined && !changed(previous, event.object)) return [];
            versions = previous === undefined ? [event.object] : [previous, event.object];
          }
          const keys: string[] = [];
          for (const [key, ingress] of ingresses) {
            if (versions.some((cluster) => selects(ingress, cluster))) keys.push(key);
          }
          return keys;
        }),
      );
    });
}
