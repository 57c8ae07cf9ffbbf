import { filter, mergeMap, startWith, withLatestFrom } from 'rxjs';
import type { Observable, OperatorFunction } from 'rxjs';
import { EMPTY_INGRESS_SET } from './ingress-set.ts';
import type { IngressSet } from './ingress-set.ts';
import { isObjectEvent } from './object-events.ts';
import type { IngressObject, SecretObject, WatchEvent } from './types.ts';

/** Options of {@link secretEventsToKeys}. */
export interface SecretFanOutOptions {
  /** The current multicluster Ingresses; should replay its latest value (empty before it has one). */
  readonly ingresses$: Observable<IngressSet>;
}

/**
 * True when the Ingress names the Secret in `spec.tls[].secretName`. An Ingress can only use a
 * Secret of its own namespace, so both must agree. Pure; never throws.
 */
export function namesSecret(ingress: IngressObject, namespace: string, name: string): boolean {
  return (
    (ingress.metadata?.namespace ?? '') === namespace &&
    (ingress.spec?.tls ?? []).some((tls) => tls.secretName === name)
  );
}

/**
 * Maps Secret watch events (added, updated or deleted alike: a certificate appearing, rotating or
 * vanishing all change the load balancer) to the keys of the multicluster Ingresses that name the
 * Secret in `spec.tls`, in the set's order. Nameless Secrets, `synced` and `error` events are skipped.
 */
export function secretEventsToKeys(
  options: SecretFanOutOptions,
): OperatorFunction<WatchEvent<SecretObject>, string> {
  return (events$) =>
    events$.pipe(
      filter(isObjectEvent),
      withLatestFrom(options.ingresses$.pipe(startWith(EMPTY_INGRESS_SET))),
      mergeMap(([event, ingresses]): string[] => {
        const name = event.object.metadata?.name;
        if (name === undefined || name === '') return [];
        const namespace = event.object.metadata?.namespace ?? '';
        const keys: string[] = [];
        for (const [key, ingress] of ingresses) {
          if (namesSecret(ingress, namespace, name)) keys.push(key);
        }
        return keys;
      }),
    );
}
