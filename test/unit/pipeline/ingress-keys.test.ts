import { expect } from 'chai';
import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { ingressDeletions, ingressEventsToKeys } from '../../../src/pipeline/ingress-keys.ts';
import { toIngressSet } from '../../../src/pipeline/ingress-set.ts';
import type { IngressSet } from '../../../src/pipeline/ingress-set.ts';
import { CLEANUP_FINALIZER, STATUS_ANNOTATION } from '../../../src/pipeline/own-fields.ts';
import type { IngressObject, WatchEvent } from '../../../src/pipeline/types.ts';
import { added, deleted, ingress, updated } from './fixtures.ts';
import { newTestScheduler } from './marbles.ts';

const isMulticluster = (i: IngressObject): boolean => i.spec?.ingressClassName === 'kubemci';

describe('ingressEventsToKeys', () => {
  let ts: TestScheduler;
  beforeEach(() => {
    ts = newTestScheduler();
  });

  it('maps an Ingress event to its own key, but not the echo of our own status write', () => {
    ts.run(({ hot, expectObservable }) => {
      const ours = {
        finalizers: [CLEANUP_FINALIZER],
        vip: '203.0.113.7',
        generation: 2,
        tlsSecrets: ['cert'],
      };
      const events = hot('-acsdu', {
        a: added(ingress('web')),
        // The user adds TLS: a run.
        c: updated(ingress('web', { rv: '2', generation: 2, tlsSecrets: ['cert'] })),
        // Our reconcile writes the status annotation, the VIP and the finalizer: no run.
        s: updated(ingress('web', { ...ours, rv: '3', annotations: { [STATUS_ANNOTATION]: '{"v":1}' } })),
        // Our next status write: no run either.
        d: updated(ingress('web', { ...ours, rv: '4', annotations: { [STATUS_ANNOTATION]: '{"v":2}' } })),
        // The user labels it: a run.
        u: updated(
          ingress('web', {
            ...ours,
            rv: '5',
            labels: { env: 'prod' },
            annotations: { [STATUS_ANNOTATION]: '{"v":2}' },
          }),
        ),
      });
      expectObservable(events.pipe(ingressEventsToKeys())).toBe('-kk--k', { k: 'shop/web' });
    });
  });

  it('drops updates that change only our own fields, and emits nothing on deletion', () => {
    ts.run(({ hot, expectObservable }) => {
      const events = hot('-aso-x', {
        a: added(ingress('web')),
        s: updated(
          ingress('web', { rv: '2', annotations: { [STATUS_ANNOTATION]: '{}' }, vip: '203.0.113.7' }),
        ),
        o: updated(
          ingress('web', {
            rv: '3',
            annotations: { [STATUS_ANNOTATION]: '{"changed":true}' },
            finalizers: [CLEANUP_FINALIZER],
            vip: '203.0.113.7',
          }),
        ),
        x: deleted(ingress('web', { rv: '3' })),
      });
      expectObservable(events.pipe(ingressEventsToKeys())).toBe('-k----', { k: 'shop/web' });
    });
  });

  it('keeps Ingresses that are or were multicluster, and compares a re-add after a relist', () => {
    ts.run(({ hot, expectObservable }) => {
      const events = hot('-gmlrn', {
        g: added(ingress('gce', { className: 'gce' })),
        m: added(ingress('web')),
        // Leaving the class still needs a run, to clean up.
        l: updated(ingress('web', { rv: '2', className: 'gce' })),
        // A relist re-adds the same version: nothing to do.
        r: added(ingress('web', { rv: '2', className: 'gce' })),
        n: updated(ingress('gce', { rv: '2', className: 'gce', tlsSecrets: ['x'] })),
      });
      expectObservable(events.pipe(ingressEventsToKeys({ isMulticluster }))).toBe('--ww--', {
        w: 'shop/web',
      });
    });
  });

  it('skips synced and error events', () => {
    ts.run(({ hot, expectObservable }) => {
      const events = hot<WatchEvent<IngressObject>>('-seax', {
        s: { type: 'synced' },
        e: { type: 'error', error: new Error('watch closed') },
        a: added(ingress('web')),
        x: deleted(ingress('web')),
      });
      expectObservable(events.pipe(ingressEventsToKeys())).toBe('---k-', { k: 'shop/web' });
      expectObservable(events.pipe(ingressDeletions())).toBe('----k', { k: 'shop/web' });
    });
  });

  it('keeps a separate cache per subscription', () => {
    ts.run(({ cold, expectObservable }) => {
      const events = cold('-a', { a: added(ingress('web')) });
      const keys = events.pipe(ingressEventsToKeys());
      expectObservable(keys).toBe('-k', { k: 'shop/web' });
      expectObservable(keys).toBe('-k', { k: 'shop/web' });
    });
  });
});

describe('ingressDeletions', () => {
  it('emits the keys of deleted Ingresses only', () => {
    newTestScheduler().run(({ hot, expectObservable }) => {
      const events = hot('-amd|', {
        a: added(ingress('web')),
        m: updated(ingress('web', { rv: '2' })),
        d: deleted(ingress('web', { rv: '2' })),
      });
      expectObservable(events.pipe(ingressDeletions())).toBe('---k|', { k: 'shop/web' });
    });
  });
});

describe('toIngressSet', () => {
  it('folds events into the set of multicluster Ingresses, copying on write', () => {
    newTestScheduler().run(({ hot, expectObservable }) => {
      const events = hot('-abgld', {
        a: added(ingress('web')),
        b: added(ingress('api')),
        g: added(ingress('gce', { className: 'gce' })),
        l: updated(ingress('api', { rv: '2', className: 'gce' })),
        d: deleted(ingress('web')),
      });
      const keys = events.pipe(
        toIngressSet(isMulticluster),
        map((set) => [...set.keys()].join(',')),
      );
      expectObservable(keys).toBe('-abbwe', { a: 'shop/web', b: 'shop/web,shop/api', w: 'shop/web', e: '' });
    });
  });

  it('never changes a snapshot it has emitted', () => {
    const snapshots: IngressSet[] = [];
    newTestScheduler().run(({ cold }) => {
      cold('-abd', { a: added(ingress('web')), b: added(ingress('api')), d: deleted(ingress('web')) })
        .pipe(toIngressSet())
        .subscribe((set) => snapshots.push(set));
    });
    expect(snapshots.map((set) => set.size)).to.deep.equal([1, 2, 1]);
    expect(snapshots[0]?.get('shop/web')?.metadata?.name).to.equal('web');
  });

  it('counts a throwing predicate as multicluster', () => {
    const seen: number[] = [];
    newTestScheduler().run(({ cold }) => {
      cold('-a', { a: added(ingress('web')) })
        .pipe(
          toIngressSet(() => {
            throw new Error('bad');
          }),
        )
        .subscribe((set) => seen.push(set.size));
    });
    expect(seen).to.deep.equal([1]);
  });
});
