import { defer, filter, scan } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { keyOf } from './keys.ts';
import { isObjectEvent } from './object-events.ts';
import { trueOnThrow } from './safe-predicate.ts';
import type { IngressObject, WatchEvent } from './types.ts';

/** The multicluster Ingresses currently known, by key. Each emission is a new, unshared Map. */
export type IngressSet = ReadonlyMap<string, IngressObject>;

/** The empty set, for a start value. */
export const EMPTY_INGRESS_SET: IngressSet = new Map();

/**
 * Folds Ingress watch events into the set of multicluster Ingresses, emitting the whole set after
 * every event. `isMulticluster` (default: every Ingress) decides membership on each version, so an
 * Ingress that leaves the class leaves the set; a predicate that throws counts as true. Nameless
 * objects and events other than object changes are skipped. Errors and completion of the source pass through.
 */
export function toIngressSet(
  isMulticluster: (ingress: IngressObject) => boolean = () => true,
): OperatorFunction<WatchEvent<IngressObject>, IngressSet> {
  const member = trueOnThrow(isMulticluster);
  return (events$) =>
    defer(() =>
      events$.pipe(
        filter(isObjectEvent),
        scan((set: IngressSet, event) => {
          const key = keyOf(event.object);
          if (key === undefined) return set;
          const keep = event.type !== 'deleted' && member(event.object);
          if (!keep && !set.has(key)) return set;
          // Copy on write: subscribers may hold earlier snapshots.
          const next = new Map(set);
          if (keep) next.set(key, event.object);
          else next.delete(key);
          return next;
        }, EMPTY_INGRESS_SET),
      ),
    );
}
