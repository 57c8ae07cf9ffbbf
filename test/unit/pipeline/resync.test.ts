import { expect } from 'chai';
import { of } from 'rxjs';
import { EMPTY_INGRESS_SET } from '../../../src/pipeline/ingress-set.ts';
import type { IngressSet } from '../../../src/pipeline/ingress-set.ts';
import { resyncKeys } from '../../../src/pipeline/resync.ts';
import { ingress } from './fixtures.ts';
import { newTestScheduler } from './marbles.ts';

describe('resyncKeys', () => {
  it('re-enqueues every multicluster Ingress each period, on the injected scheduler', () => {
    const ts = newTestScheduler();
    ts.run(({ hot, expectObservable }) => {
      const one: IngressSet = new Map([['shop/web', ingress('web')]]);
      const two: IngressSet = new Map([...one, ['shop/api', ingress('api')]]);
      const ingresses = hot('s 14ms t', { s: one, t: two });
      const keys = resyncKeys({ ingresses$: ingresses, periodMs: 10, scheduler: ts });
      expectObservable(keys, '^ 35ms !').toBe('10ms w 9ms (wa) 6ms (wa)', { w: 'shop/web', a: 'shop/api' });
    });
  });

  it('refuses a period that is not a positive number', () => {
    const ts = newTestScheduler();
    for (const periodMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resyncKeys({ ingresses$: of(EMPTY_INGRESS_SET), periodMs, scheduler: ts })).to.throw(
        RangeError,
      );
    }
  });
});
