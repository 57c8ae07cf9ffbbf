import { expect } from 'chai';
import type { V1Ingress, V1Secret } from '@kubernetes/client-node';
import { toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ingressEventsToKeys } from '../../../src/pipeline/ingress-keys.ts';
import { mergeTriggers } from '../../../src/pipeline/merge-triggers.ts';
import type { WatchEvent } from '../../../src/pipeline/types.ts';

// The pipeline's structural types must accept client-node's objects as they are, so the
// composition root feeds informer streams in without casts. tsc checks these signatures.
function wire(ingresses$: Observable<WatchEvent<V1Ingress>>, secrets$: Observable<WatchEvent<V1Secret>>) {
  return mergeTriggers({ ingressEvents$: ingresses$, secretEvents$: secrets$, selects: () => true });
}

describe('client-node objects', () => {
  it('flow through the pipeline without conversion', () => {
    const ingress: V1Ingress = {
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '7', creationTimestamp: new Date(0) },
      spec: { ingressClassName: 'kubemci', tls: [{ secretName: 'cert', hosts: ['shop.example'] }] },
    };
    const keys: string[][] = [];
    new TestScheduler(() => undefined).run(({ cold }) => {
      const events$ = cold<WatchEvent<V1Ingress>>('-a|', { a: { type: 'added', object: ingress } });
      events$.pipe(ingressEventsToKeys(), toArray()).subscribe((k) => keys.push(k));
      wire(events$, cold('|'))
        .pipe(toArray())
        .subscribe((k) => keys.push(k));
    });
    expect(keys).to.deep.equal([['shop/web'], ['shop/web']]);
  });
});
