import { expect } from 'chai';
import { INGRESS_COPY_ANNOTATION } from '../../../src/kube/member-ingress-copy.ts';
import { lastServingIngresses, refusalMessage } from '../../../src/cli/mci/serving.ts';
import type { ClusterInfo } from '../../../src/model/cluster.ts';
import { ingress, statusWith } from './fixtures.ts';

const info = (
  name: string,
  opts: { enabled?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ClusterInfo => ({
  name,
  labels: { ...(opts.enabled === false ? {} : { 'kubemci.io/enabled': 'true' }), ...opts.labels },
  annotations: { ...opts.annotations },
});

const both = statusWith({ a: { capacity: 1 }, b: { capacity: 1 } });
const names = (r: ReturnType<typeof lastServingIngresses>) =>
  r.map((x) => `${x.namespace}/${x.name}: ${x.why}`);

describe('kubectl mci drain: the last serving cluster', () => {
  it('allows draining a cluster when another selected, enabled, undrained cluster serves every Ingress', () => {
    const result = lastServingIngresses(
      info('a'),
      [info('a'), info('b')],
      [ingress('app', 'shop', { status: both })],
    );
    expect(result).to.deep.equal([]);
  });

  it('refuses when the Ingress selects no other cluster, naming it', () => {
    const only = statusWith({ a: { capacity: 1 } });
    const result = lastServingIngresses(info('a'), [info('a')], [ingress('app', 'shop', { status: only })]);
    expect(names(result)).to.deep.equal(['app/shop: it selects no other cluster']);
  });

  it('does not count a drained cluster, one at capacity 0, or one without backends, and says why', () => {
    const status = statusWith({
      a: { capacity: 1 },
      b: { capacity: 0 },
      c: { capacity: 0 },
      d: { capacity: 1, groups: 0 },
    });
    const clusters = [
      info('a'),
      info('b', { annotations: { 'kubemci.io/drain': 'true' } }),
      info('c', { annotations: { 'kubemci.io/capacity': '0' } }),
      info('d'),
    ];
    const result = lastServingIngresses(info('a'), clusters, [ingress('app', 'shop', { status })]);
    expect(names(result)).to.deep.equal(['app/shop: b is drained, c has capacity 0, d has no backends']);
  });

  it('counts a cluster with a problem that still has backends attached (an unreachable member keeps its backends)', () => {
    const status = JSON.parse(both) as { clusters: { name: string; problems: unknown[] }[] };
    status.clusters[1]!.problems = [{ code: 'Unreachable', message: 'its API is unreachable' }];
    const result = lastServingIngresses(
      info('a'),
      [info('a'), info('b')],
      [ingress('app', 'shop', { status: JSON.stringify(status) })],
    );
    expect(result).to.deep.equal([]);
  });

  it("follows each Ingress's cluster selector and the opt-in label", () => {
    const clusters = [
      info('a', { labels: { region: 'us' } }),
      info('b', { labels: { region: 'eu' } }),
      info('c', { enabled: false, labels: { region: 'us' } }),
    ];
    const usOnly = ingress('app', 'us-shop', {
      status: statusWith({ a: { capacity: 1 } }),
      annotations: { 'kubemci.io/cluster-selector': 'region=us' },
    });
    const euOnly = ingress('app', 'eu-shop', {
      status: statusWith({ b: { capacity: 1 } }),
      annotations: { 'kubemci.io/cluster-selector': 'region=eu' },
    });
    const everywhere = ingress('app', 'shop', {
      status: statusWith({ a: { capacity: 1 }, b: { capacity: 1 } }),
    });
    const result = lastServingIngresses(clusters[0]!, clusters, [everywhere, euOnly, usOnly]);
    expect(names(result)).to.deep.equal(['app/us-shop: it selects no other cluster']);
  });

  it('judges by labels alone an Ingress that has no status yet', () => {
    const result = lastServingIngresses(info('a'), [info('a'), info('b')], [ingress('app', 'new')]);
    expect(result).to.deep.equal([]);
    const drained = [info('a'), info('b', { annotations: { 'kubemci.io/drain': 'true' } })];
    expect(names(lastServingIngresses(info('a'), drained, [ingress('app', 'new')]))).to.deep.equal([
      'app/new: b is drained',
    ]);
  });

  it('ignores Ingresses the drain cannot affect: other classes, being deleted, a broken selector, our copies', () => {
    const only = statusWith({ a: { capacity: 1 } });
    const other = ingress('app', 'nginx', { status: only, className: 'nginx' });
    const deleting = ingress('app', 'gone', { status: only });
    (deleting.metadata as { deletionTimestamp?: Date }).deletionTimestamp = new Date(0);
    const broken = ingress('app', 'broken', {
      status: only,
      annotations: { 'kubemci.io/cluster-selector': 'region in (' },
    });
    const copy = ingress('app', 'copy', {
      status: only,
      className: 'gce-multi-cluster',
      annotations: { [INGRESS_COPY_ANNOTATION]: 'shop' },
    });
    const result = lastServingIngresses(info('a'), [info('a')], [other, deleting, broken, copy]);
    expect(result).to.deep.equal([]);
    // kubemci's class is accepted for migration: such an Ingress is concerned.
    const legacy = ingress('app', 'legacy', { status: only, className: 'gce-multi-cluster' });
    expect(names(lastServingIngresses(info('a'), [info('a')], [legacy]))).to.deep.equal([
      'app/legacy: it selects no other cluster',
    ]);
  });

  it('names every Ingress concerned in the refusal, with what to do', () => {
    const only = statusWith({ a: { capacity: 1 } });
    const result = lastServingIngresses(
      info('a'),
      [info('a')],
      [ingress('web', 'b', { status: only }), ingress('app', 'a', { status: only })],
    );
    const message = refusalMessage('a', result);
    expect(message).to.equal(
      'refusing to drain cluster a: it is the last serving cluster of ingress app/a (it selects no other cluster); ' +
        'ingress web/b (it selects no other cluster); drain another cluster first, or use --force (the controller then keeps it at full capacity)',
    );
  });
});
