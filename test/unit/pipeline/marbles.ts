import { expect } from 'chai';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler whose assertions are chai deep equality (frames, values, subscriptions). */
export function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/**
 * Subscribes to `source$` inside a `run` callback and returns the array its values are pushed to
 * (each prefixed by the virtual time), for diagrams that `(ab)` groups cannot draw. With
 * `unsubscribeAt`, the subscription ends at that frame, which keeps endless retries finite.
 */
export function collect(ts: TestScheduler, source$: Observable<string>, unsubscribeAt?: number): string[] {
  const seen: string[] = [];
  const subscription = source$.subscribe((value) => seen.push(`${ts.now()} ${value}`));
  if (unsubscribeAt !== undefined) ts.schedule(() => subscription.unsubscribe(), unsubscribeAt);
  return seen;
}
