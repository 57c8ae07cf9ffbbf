import { expect } from 'chai';
import type { TestScheduler } from 'rxjs/testing';
import { clusterChangeMatters, clusterEventsToKeys } from '../../../src/pipeline/cluster-keys.ts';
import type { IngressSet } from '../../../src/pipeline/ingress-set.ts';
import type { ClusterObject, IngressObject } from '../../../src/pipeline/types.ts';
import { added, cluster, deleted, ingress, updated } from './fixtures.ts';
import { newTestScheduler } from './marbles.ts';

const SELECTOR = 'kubemci.io/cluster-selector';

/** Opted-in clusters whose labels match the Ingress's `key=value` selector (all when absent). */
function selects(ing: IngressObject, c: ClusterObject): boolean {
  const labels = c.metadata?.labels ?? {};
  if (labels['kubemci.io/enabled'] !== 'true') return false;
  const selector = ing.metadata?.annotations?.[SELECTOR];
  if (selector === undefined) return true;
  const [k, v] = selector.split('=');
  if (k === undefined || v === undefined) throw new Error(`bad selector ${selector}`);
  return labels[k] === v;
}

function setOf(...ingresses: IngressObject[]): IngressSet {
  return new Map(ingresses.map((i) => [`${i.metadata?.namespace}/${i.metadata?.name}`, i]));
}

const us = ingress('us', { annotations: { [SELECTOR]: 'region=us' } });
const eu = ingress('eu', { annotations: { [SELECTOR]: 'region=eu' } });
const all = ingress('all');
const on = { 'kubemci.io/enabled': 'true' };

describe('clusterEventsToKeys', () => {
  let ts: TestScheduler;
  beforeEach(() => {
    ts = newTestScheduler();
  });

  it('fans a Cluster event out to the Ingresses its old and new versions match', () => {
    ts.run(({ hot, expectObservable }) => {
      const ingresses = hot('s', { s: setOf(us, eu, all) });
      const events = hot('  -a-----r-----x', {
        a: added(cluster('c1', { ...on, region: 'us' })),
        // Relabelled from us to eu: both the Ingress it leaves and the one it joins.
        r: updated(cluster('c1', { ...on, region: 'eu' }, { rv: '2' })),
        // A deletion event may carry a stale object; the last version seen decides.
        x: deleted(cluster('c1', { ...on, region: 'us' }, { rv: '1' })),
      });
      const keys = events.pipe(clusterEventsToKeys({ ingresses$: ingresses, selects }));
      expectObservable(keys).toBe('-(ua)--(uea)-(ea)', { u: 'shop/us', e: 'shop/eu', a: 'shop/all' });
    });
  });

  it('reaches the Ingresses a Cluster leaves when it opts out', () => {
    ts.run(({ hot, expectObservable }) => {
      const ingresses = hot('s', { s: setOf(us, eu, all) });
      const events = hot('  -a----o', {
        a: added(cluster('c1', { ...on, region: 'eu' })),
        o: updated(cluster('c1', { region: 'eu' }, { rv: '2' })),
      });
      const keys = events.pipe(clusterEventsToKeys({ ingresses$: ingresses, selects }));
      expectObservable(keys).toBe('-(ea)-(ea)', { e: 'shop/eu', a: 'shop/all' });
    });
  });

  it('ignores heartbeats but not a condition that flips', () => {
    ts.run(({ hot, expectObservable }) => {
      const ingresses = hot('s', { s: setOf(us) });
      const events = hot('  -ahf', {
        a: added(cluster('c1', { ...on, region: 'us' }, { ok: 'True', heartbeat: 't1' })),
        h: updated(cluster('c1', { ...on, region: 'us' }, { rv: '2', ok: 'True', heartbeat: 't2' })),
        f: updated(cluster('c1', { ...on, region: 'us' }, { rv: '3', ok: 'False', heartbeat: 't3' })),
      });
      const keys = events.pipe(clusterEventsToKeys({ ingresses$: ingresses, selects }));
      expectObservable(keys).toBe('-u-u', { u: 'shop/us' });
    });
  });

  it('reads the latest Ingress set, empty before the first', () => {
    ts.run(({ hot, expectObservable }) => {
      const ingresses = hot('--s--t', { s: setOf(us), t: setOf(us, all) });
      const events = hot('  -a-b--c', {
        a: added(cluster('c1', { ...on, region: 'us' })),
        b: added(cluster('c2', { ...on, region: 'us' })),
        c: added(cluster('c3', { ...on, region: 'eu' })),
      });
      const keys = events.pipe(clusterEventsToKeys({ ingresses$: ingresses, selects }));
      expectObservable(keys).toBe('---u--a', { u: 'shop/us', a: 'shop/all' });
    });
  });

  it('counts a selector that throws as a match, so the reconcile can report it', () => {
    ts.run(({ hot, expectObservable }) => {
      const broken = ingress('broken', { annotations: { [SELECTOR]: 'nonsense' } });
      const ingresses = hot('s', { s: setOf(broken, eu) });
      const events = hot('  -a|', { a: added(cluster('c1', { ...on, region: 'us' })) });
      const keys = events.pipe(clusterEventsToKeys({ ingresses$: ingresses, selects }));
      expectObservable(keys).toBe('-b|', { b: 'shop/broken' });
    });
  });
});

describe('clusterChangeMatters', () => {
  it('ignores resourceVersion, managedFields and heartbeats only', () => {
    const a = cluster('c1', on, { ok: 'True', heartbeat: 't1' });
    expect(clusterChangeMatters(a, cluster('c1', on, { rv: '9', ok: 'True', heartbeat: 't2' }))).to.equal(
      false,
    );
    expect(clusterChangeMatters(a, cluster('c1', on, { ok: 'False', heartbeat: 't1' }))).to.equal(true);
    expect(clusterChangeMatters(a, cluster('c1', { ...on, drain: 'x' }, { ok: 'True' }))).to.equal(true);
  });
});
