import type { V1Ingress } from '@kubernetes/client-node';
import { expect } from 'chai';
import { runDrain } from '../../../src/cli/mci/drain.ts';
import { MciError } from '../../../src/cli/mci/errors.ts';
import type { Output } from '../../../src/cli/mci/io.ts';
import type { DrainCommand } from '../../../src/cli/mci/options.ts';
import type { Registry } from '../../../src/cli/mci/registry.ts';
import { makeStyle } from '../../../src/cli/mci/terminal.ts';
import type { ClusterObject } from '../../../src/pipeline/types.ts';
import { NOW, cluster, ingress, statusWith } from './fixtures.ts';

/** A registry in memory; `controller` runs after each sleep, as the real one would meanwhile. */
class FakeRegistry implements Registry {
  readonly endpoint = { role: 'registry' as const, server: 'https://registry.test' };
  readonly clusters = new Map<string, ClusterObject>();
  ingresses: V1Ingress[] = [];
  readonly patches: string[] = [];

  constructor(clusters: ClusterObject[], ingresses: V1Ingress[]) {
    for (const c of clusters) this.clusters.set(c.metadata!.name!, c);
    this.ingresses = ingresses;
  }

  async listIngresses() {
    return this.ingresses;
  }
  async getIngress() {
    return undefined;
  }
  async listIngressEvents() {
    return [];
  }
  async getSecret() {
    return undefined;
  }
  async getCluster(_ns: string, name: string) {
    return this.clusters.get(name);
  }
  async listClusters() {
    return [...this.clusters.values()];
  }
  async annotateCluster(_ns: string, name: string, key: string, value: string | null) {
    const c = this.clusters.get(name)!;
    const annotations = { ...c.metadata!.annotations };
    if (value === null) delete annotations[key];
    else annotations[key] = value;
    const next = { ...c, metadata: { ...c.metadata, annotations } };
    this.clusters.set(name, next);
    this.patches.push(`${name} ${key}=${value}`);
    return next;
  }
  async namespaceUid() {
    return 'uid';
  }
}

function setup(clusters: ClusterObject[], ingresses: V1Ingress[]) {
  const registry = new FakeRegistry(clusters, ingresses);
  let now = NOW;
  const lines: string[] = [];
  const out: Output = {
    stdout: (t) => lines.push(...t.trimEnd().split('\n')),
    stderr: (t) => lines.push(`stderr: ${t.trimEnd()}`),
    style: makeStyle(false),
    now: () => now,
  };
  let controller: (elapsedMs: number) => void = () => undefined;
  const sleep = async (ms: number) => {
    now += ms;
    controller(now - NOW);
  };
  return {
    registry,
    lines,
    out,
    sleep,
    elapsed: () => now - NOW,
    onTick: (fn: (elapsedMs: number) => void) => (controller = fn),
  };
}

const drain = (extra: Partial<DrainCommand> = {}): DrainCommand => ({
  kind: 'drain',
  registry: { source: {} },
  cluster: 'a',
  namespace: 'kube-multicluster-public',
  inventoryNamespaces: ['kube-multicluster-public'],
  wait: false,
  timeoutMs: 60_000,
  force: false,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('kubectl mci drain and undrain', () => {
  it('refuses to drain the last serving cluster of an Ingress, and changes nothing', async () => {
    const w = setup(
      [cluster('a'), cluster('b', { annotations: { 'kubemci.io/drain': 'true' } })],
      [ingress('app', 'shop', { status: statusWith({ a: { capacity: 1 }, b: { capacity: 0 } }) })],
    );
    const err = await rejection(runDrain(drain(), w.registry, w.out, w.sleep));
    expect(err).to.be.instanceOf(MciError);
    expect(err.message).to.match(
      /^refusing to drain cluster a: it is the last serving cluster of ingress app\/shop \(b is drained\)/,
    );
    expect(w.registry.patches).to.deep.equal([]);
  });

  it('drains it anyway with --force', async () => {
    const w = setup([cluster('a')], [ingress('app', 'shop', { status: statusWith({ a: { capacity: 1 } }) })]);
    expect(await runDrain(drain({ force: true }), w.registry, w.out, w.sleep)).to.equal(0);
    expect(w.registry.patches).to.deep.equal(['a kubemci.io/drain=true']);
    expect(w.lines).to.deep.equal(['cluster/a marked for draining (kubemci.io/drain=true)']);
  });

  it('with --wait, follows the Ingresses until the status shows capacity 0 on every backend of the cluster', async () => {
    const both = (a: number) => statusWith({ a: { capacity: a }, b: { capacity: 1 } });
    const w = setup(
      [cluster('a'), cluster('b')],
      [
        ingress('app', 'shop', { status: both(1) }),
        ingress('app', 'cart', { status: both(1) }),
        ingress('app', 'elsewhere', {
          status: statusWith({ b: { capacity: 1 } }),
          annotations: { 'kubemci.io/cluster-selector': 'x=y' },
        }),
      ],
    );
    // The controller reconciles shop after 2 s and cart after 5 s.
    w.onTick((t) => {
      if (t >= 2000) w.registry.ingresses[0] = ingress('app', 'shop', { status: both(0) });
      if (t >= 5000) w.registry.ingresses[1] = ingress('app', 'cart', { status: both(0) });
    });
    expect(await runDrain(drain({ wait: true }), w.registry, w.out, w.sleep)).to.equal(0);
    expect(w.lines).to.deep.equal([
      'cluster/a marked for draining (kubemci.io/drain=true)',
      'ingress app/shop: no traffic to cluster a (capacity 0 on web:80)',
      'ingress app/cart: no traffic to cluster a (capacity 0 on web:80)',
      'cluster/a drained: no Ingress sends it traffic',
    ]);
    expect(w.elapsed()).to.equal(5000);
  });

  it('keeps waiting while the last reconcile failed, and times out naming what it waited for', async () => {
    const failed = statusWith(
      { a: { capacity: 0 }, b: { capacity: 1 } },
      {
        lastError: { reason: 'quotaExceeded', message: 'BACKEND_SERVICES quota', at: '2025-03-01T12:00:00Z' },
      },
    );
    const w = setup([cluster('a'), cluster('b')], [ingress('app', 'shop', { status: failed })]);
    const err = await rejection(
      runDrain(drain({ wait: true, timeoutMs: 10_000 }), w.registry, w.out, w.sleep),
    );
    expect(err.message).to.equal(
      'timed out after 10s waiting for the controller to drain cluster a: ingress app/shop: last error: BACKEND_SERVICES quota',
    );
    expect(w.elapsed()).to.equal(10_000);
  });

  it('stops waiting when the controller keeps a forced last cluster at full capacity', async () => {
    const w = setup([cluster('a')], [ingress('app', 'shop', { status: statusWith({ a: { capacity: 1 } }) })]);
    w.onTick(() => {
      w.registry.ingresses = [
        ingress('app', 'shop', {
          status: statusWith(
            { a: { capacity: 1 } },
            {
              warnings: [
                'every cluster serving app/web:80 (a) is drained or at capacity 0; they keep full capacity, because the last serving cluster is never drained silently',
              ],
            },
          ),
        }),
      ];
    });
    const err = await rejection(runDrain(drain({ wait: true, force: true }), w.registry, w.out, w.sleep));
    expect(err.message).to.equal(
      'cluster a is marked drained, but ingress app/shop keeps it at full capacity: it is its last serving cluster',
    );
    expect(w.elapsed()).to.equal(1000);
  });

  it('undrains and waits until every Ingress gives the cluster capacity again', async () => {
    const w = setup(
      [cluster('a', { annotations: { 'kubemci.io/drain': 'true' } }), cluster('b')],
      [ingress('app', 'shop', { status: statusWith({ a: { capacity: 0 }, b: { capacity: 1 } }) })],
    );
    w.onTick(() => {
      w.registry.ingresses = [
        ingress('app', 'shop', { status: statusWith({ a: { capacity: 1 }, b: { capacity: 1 } }) }),
      ];
    });
    expect(await runDrain(drain({ kind: 'undrain', wait: true }), w.registry, w.out, w.sleep)).to.equal(0);
    expect(w.registry.patches).to.deep.equal(['a kubemci.io/drain=null']);
    expect(w.lines).to.deep.equal([
      'cluster/a undrained (kubemci.io/drain removed)',
      'ingress app/shop: cluster a takes traffic (capacity 1 on web:80)',
      'cluster/a undrained: every Ingress gives it capacity',
    ]);
  });

  it('says what it found when there is nothing to do, and refuses to wait for what cannot happen', async () => {
    const w = setup(
      [
        cluster('a', { annotations: { 'kubemci.io/drain': 'true' } }),
        cluster('z', { annotations: { 'kubemci.io/capacity': '0' } }),
      ],
      [],
    );
    expect(await runDrain(drain(), w.registry, w.out, w.sleep)).to.equal(0);
    expect(await runDrain(drain({ kind: 'undrain', cluster: 'z' }), w.registry, w.out, w.sleep)).to.equal(0);
    expect(w.lines).to.deep.equal([
      'cluster/a is already drained',
      'cluster/z is not drained',
      'stderr: warning: cluster z still takes no traffic: its kubemci.io/capacity is 0',
    ]);
    const err = await rejection(
      runDrain(drain({ kind: 'undrain', cluster: 'z', wait: true }), w.registry, w.out, w.sleep),
    );
    expect(err.message).to.match(/kubemci\.io\/capacity is 0; set it \(0\.1 to 1\.0\) or remove it/);
    const missing = await rejection(runDrain(drain({ cluster: 'nope' }), w.registry, w.out, w.sleep));
    expect(missing.message).to.equal(
      'Cluster kube-multicluster-public/nope not found (clusters.clusterregistry.k8s.io)',
    );
    expect(w.registry.patches).to.deep.equal([]);
  });
});
