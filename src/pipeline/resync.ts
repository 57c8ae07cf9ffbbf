import { interval, mergeMap, startWith, withLatestFrom } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { EMPTY_INGRESS_SET } from './ingress-set.ts';
import type { IngressSet } from './ingress-set.ts';

/** Options of {@link resyncKeys}. */
export interface ResyncOptions {
  /** The current multicluster Ingresses; should replay its latest value (empty before it has one). */
  readonly ingresses$: Observable<IngressSet>;
  /** Time between resyncs, in ms (finite, > 0). */
  readonly periodMs: number;
  /** Where the period is timed. */
  readonly scheduler: SchedulerLike;
}

/**
 * Every `periodMs`, emits the key of every multicluster Ingress, because GCE drift is not watched:
 * only a reconcile notices a load balancer changed behind our back. The first resync comes one
 * period after subscription (the informers' initial list already enqueues every key). The work
 * queue collapses these keys with any pending entry, so a resync adds no run to a busy key.
 * Never completes. Throws RangeError at once for a bad period.
 */
export function resyncKeys(options: ResyncOptions): Observable<string> {
  const { periodMs } = options;
  if (!(Number.isFinite(periodMs) && periodMs > 0)) {
    throw new RangeError(`resync period must be a positive number of ms, got ${periodMs}`);
  }
  return interval(periodMs, options.scheduler).pipe(
    withLatestFrom(options.ingresses$.pipe(startWith(EMPTY_INGRESS_SET))),
    mergeMap(([, ingresses]) => [...ingresses.keys()]),
  );
}
