import { asyncScheduler, defer, EMPTY, ignoreElements, merge, share, shareReplay } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { clusterEventsToKeys } from './cluster-keys.ts';
import type { DependencyIndex } from './dependency-index.ts';
import { ingressEventsToKeys } from './ingress-keys.ts';
import { toIngressSet } from './ingress-set.ts';
import { memberFactsToKeys } from './member-fact-keys.ts';
import { resyncKeys } from './resync.ts';
import { secretEventsToKeys } from './secret-keys.ts';
import type { ClusterObject, IngressObject, MemberFact, SecretObject, WatchEvent } from './types.ts';

/** Everything that can make an Ingress need a reconcile. Event streams are expected to be hot. */
export interface TriggerSources {
  readonly ingressEvents$: Observable<WatchEvent<IngressObject>>;
  readonly clusterEvents$?: Observable<WatchEvent<ClusterObject>>;
  readonly secretEvents$?: Observable<WatchEvent<SecretObject>>;
  /** Member-cluster facts; they reach nobody without `dependencies$`. */
  readonly memberFacts$?: Observable<MemberFact>;
  /** The reconciler's latest dependency index; should replay its latest value. */
  readonly dependencies$?: Observable<DependencyIndex>;
  /** Whether an Ingress spreads over a Cluster. A throw counts as true. */
  readonly selects: (ingress: IngressObject, cluster: ClusterObject) => boolean;
  /** Whether the controller manages an Ingress (its class); default every Ingress. A throw counts as true. */
  readonly isMulticluster?: (ingress: IngressObject) => boolean;
  /** Resync period in ms; no resync when absent. */
  readonly resyncPeriodMs?: number;
  /** Where the resync is timed; `asyncScheduler` when absent. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The key stream the work queue consumes: Ingress events (minus echoes of our own writes), the
 * Cluster fan-out over old and new selection, the Secret fan-out through `spec.tls`, member facts
 * through the dependency index, and the periodic resync, merged. Keys may repeat; the work queue
 * collapses them. The Ingress events are subscribed once and shared: they feed both the Ingress
 * keys and the set of multicluster Ingresses the fan-outs and the resync read. Deletions emit no
 * key; feed `ingressEvents$.pipe(ingressDeletions())` to the queue's `forget$`.
 *
 * Errors of any source error the result; it completes when every source has (so never, with a
 * resync). Throws RangeError at once for a resync period that is not a positive number.
 */
export function mergeTriggers(sources: TriggerSources): Observable<string> {
  const period = sources.resyncPeriodMs;
  if (period !== undefined && !(Number.isFinite(period) && period > 0)) {
    throw new RangeError(`resync period must be a positive number of ms, got ${period}`);
  }
  return defer(() => {
    const ingressEvents$ = sources.ingressEvents$.pipe(share());
    const ingresses$ = ingressEvents$.pipe(
      toIngressSet(sources.isMulticluster),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    const { clusterEvents$, secretEvents$, memberFacts$, dependencies$, resyncPeriodMs, scheduler } = sources;
    return merge(
      // Subscribed first, so the set has seen every Ingress event before any fan-out reads it.
      ingresses$.pipe(ignoreElements()),
      ingressEvents$.pipe(ingressEventsToKeys({ isMulticluster: sources.isMulticluster })),
      clusterEvents$?.pipe(clusterEventsToKeys({ ingresses$, selects: sources.selects })) ?? EMPTY,
      secretEvents$?.pipe(secretEventsToKeys({ ingresses$ })) ?? EMPTY,
      memberFacts$ !== undefined && dependencies$ !== undefined
        ? memberFacts$.pipe(memberFactsToKeys({ index$: dependencies$ }))
        : EMPTY,
      resyncPeriodMs !== undefined
        ? resyncKeys({ ingresses$, periodMs: resyncPeriodMs, scheduler: scheduler ?? asyncScheduler })
        : EMPTY,
    );
  });
}
