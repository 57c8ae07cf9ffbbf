import { expect } from 'chai';
import { map, NEVER } from 'rxjs';
import { ingressDeletions } from '../../../src/pipeline/ingress-keys.ts';
import { mergeTriggers } from '../../../src/pipeline/merge-triggers.ts';
import type { Outcome } from '../../../src/pipeline/outcome.ts';
import { STATUS_ANNOTATION } from '../../../src/pipeline/own-fields.ts';
import type { ClusterObject, IngressObject, SecretObject } from '../../../src/pipeline/types.ts';
import { workQueue } from '../../../src/pipeline/work-queue.ts';
import { added, cluster, deleted, ingress, updated } from './fixtures.ts';
import { collect, newTestScheduler } from './marbles.ts';

const SELECTOR = 'kubemci.io/cluster-selector';
const isMulticluster = (i: IngressObject): boolean => i.spec?.ingressClassName === 'kubemci';
function selects(ing: IngressObject, c: ClusterObject): boolean {
  const selector = ing.metadata?.annotations?.[SELECTOR];
  if (selector === undefined) return true;
  const [k, v] = selector.split('=');
  return k !== undefined && c.metadata?.labels?.[k] === v;
}

const us = ingress('us', { annotations: { [SELECTOR]: 'region=us' } });
const all = ingress('all', { tlsSecrets: ['cert'] });
const gce = ingress('gce', { className: 'gce' });

describe('mergeTriggers', () => {
  it('merges Ingress keys, the Cluster and Secret fan-outs and the resync', () => {
    const ts = newTestScheduler();
    ts.run(({ hot }) => {
      const keys$ = mergeTriggers({
        ingressEvents$: hot('-abg', { a: added(us), b: added(all), g: added(gce) }),
        clusterEvents$: hot('----c', { c: added(cluster('c1', { region: 'us' })) }),
        secretEvents$: hot('------s', {
          s: updated<SecretObject>({ metadata: { namespace: 'shop', name: 'cert' } }),
        }),
        selects,
        isMulticluster,
        resyncPeriodMs: 20,
        scheduler: ts,
      });
      const seen = collect(ts, keys$, 25);
      ts.flush();
      expect(seen).to.deep.equal([
        '1 shop/us',
        '2 shop/all',
        '4 shop/us',
        '4 shop/all',
        '6 shop/all',
        '20 shop/us',
        '20 shop/all',
      ]);
    });
  });

  it('feeds the work queue so our own status writes do not re-trigger, and a fan-out during a run trails', () => {
    const ts = newTestScheduler();
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const ok: Outcome = { kind: 'ok' };
      const ingressEvents$ = hot('-a---s----u------x', {
        a: added(us),
        // The reconcile's own status write, seen as an update: no new run.
        s: updated(
          ingress('us', { rv: '2', annotations: { ...us.metadata?.annotations, [STATUS_ANNOTATION]: '{}' } }),
        ),
        // The user changes the selector: a new run.
        u: updated(ingress('us', { rv: '3', generation: 2, annotations: { [SELECTOR]: 'region=eu' } })),
        x: deleted(ingress('us', { rv: '3' })),
      });
      const clusterEvents$ = hot('------------c', { c: added(cluster('c1', { region: 'eu' })) });
      const run = cold('---(o|)', { o: ok });
      const results = mergeTriggers({ ingressEvents$, clusterEvents$, selects, isMulticluster }).pipe(
        workQueue(() => run, {
          concurrency: 2,
          backoff: { baseMs: 10, maxMs: 40 },
          forget$: ingressEvents$.pipe(ingressDeletions()),
        }),
        map((r) => `${r.key}@${r.startedAt}`),
      );
      const seen = collect(ts, results, 30);
      ts.flush();
      expect(seen).to.deep.equal(['4 shop/us@1', '13 shop/us@10', '16 shop/us@13']);
      expectSubscriptions(run.subscriptions).toBe(['-^--!', '10ms ^--!', '13ms ^--!']);
    });
  });

  it('refuses a bad resync period at once', () => {
    expect(() => mergeTriggers({ ingressEvents$: NEVER, selects: () => true, resyncPeriodMs: 0 })).to.throw(
      RangeError,
      /resync period/,
    );
  });
});
