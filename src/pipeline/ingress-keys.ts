import { defer, filter, map, mergeMap } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { keyOf } from './keys.ts';
import { isObjectEvent } from './object-events.ts';
import { onlyOwnFieldsChanged } from './own-fields.ts';
import { trueOnThrow } from './safe-predicate.ts';
import type { IngressObject, WatchEvent } from './types.ts';

/** Options of {@link ingressEventsToKeys}. */
export interface IngressKeyOptions {
  /**
   * Whether the controller manages an Ingress (the `kubemci` class). An event is kept when the old
   * or the new version is managed, so leaving the class still reconciles (and cleans up). Default:
   * every Ingress. A throw counts as true.
   */
  readonly isMulticluster?: (ingress: IngressObject) => boolean;
}

/**
 * Maps Ingress watch events to the Ingress's own key. Informers give no old object, so the
 * operator keeps the last version it saw of each Ingress (per subscription) and drops an update
 * when {@link onlyOwnFieldsChanged} holds: the echo of our own status, finalizer or VIP write. A
 * re-add after a relist is compared the same way. `deleted` emits no key: the object is gone, so
 * the queue should forget the key (see {@link ingressDeletions}); an Ingress we managed goes away
 * only after our finalizer's cleanup ran on its deletion update. Nameless objects, `synced` and `error` events are skipped.
 */
export function ingressEventsToKeys(
  options: IngressKeyOptions = {},
): OperatorFunction<WatchEvent<IngressObject>, string> {
  const managed = trueOnThrow(options.isMulticluster ?? (() => true));
  return (events$) =>
    defer(() => {
      const lastSeen = new Map<string, IngressObject>();
      return events$.pipe(
        filter(isObjectEvent),
        mergeMap((event): string[] => {
          const key = keyOf(event.object);
          if (key === undefined) return [];
          const previous = lastSeen.get(key);
          if (event.type === 'deleted') {
            lastSeen.delete(key);
            return [];
          }
          lastSeen.set(key, event.object);
          if (previous !== undefined && onlyOwnFieldsChanged(previous, event.object)) return [];
          const relevant = managed(event.object) || (previous !== undefined && managed(previous));
          return relevant ? [key] : [];
        }),
      );
    });
}

/**
 * The keys of deleted Ingresses, to feed the work queue's `forget$` so it drops retries of keys
 * that no longer exist. Nameless objects are skipped.
 */
export function ingressDeletions(): OperatorFunction<WatchEvent<IngressObject>, string> {
  return (events$) =>
    events$.pipe(
      filter(isObjectEvent),
      filter((event) => event.type === 'deleted'),
      map((event) => keyOf(event.object)),
      filter((key): key is string => key !== undefined),
    );
}
