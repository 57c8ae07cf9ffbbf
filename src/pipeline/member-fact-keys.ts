import { mergeMap, startWith, withLatestFrom } from 'rxjs';
import type { Observable, OperatorFunction } from 'rxjs';
import { dependentsOf, EMPTY_DEPENDENCY_INDEX } from './dependency-index.ts';
import type { DependencyIndex } from './dependency-index.ts';
import type { MemberFact } from './types.ts';

/** Options of {@link memberFactsToKeys}. */
export interface MemberFactFanOutOptions {
  /** The current dependency index; should replay its latest value (empty before it has one). */
  readonly index$: Observable<DependencyIndex>;
}

/**
 * Maps member-cluster facts (a Service changed, a NEG status appeared, an instance-group
 * annotation was written) to the keys of the Ingresses that depend on them, per the latest index.
 * A fact nobody depends on emits nothing: an Ingress that starts using the object will read it in
 * the reconcile that starts using it.
 */
export function memberFactsToKeys(options: MemberFactFanOutOptions): OperatorFunction<MemberFact, string> {
  return (facts$) =>
    facts$.pipe(
      withLatestFrom(options.index$.pipe(startWith(EMPTY_DEPENDENCY_INDEX))),
      mergeMap(([fact, index]) => dependentsOf(index, fact)),
    );
}
