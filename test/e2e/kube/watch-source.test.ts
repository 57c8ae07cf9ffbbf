import { expect } from 'chai';
import { CoreV1Api, KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import { firstValueFrom, filter, type Observable } from 'rxjs';
import { watchSource, type WatchEvent } from '../../../src/kube/watch-source.ts';
import { startTestEnv, type TestEnv } from '../../harness/testenv.ts';

// Destructive (restarts its apiserver), so it has its own registry.
describe('watchSource against a real apiserver (own environment)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let core: CoreV1Api;
  let kc: KubeConfig;
  const label = `watch-test-${Date.now().toString(36)}`;

  before(async () => {
    env = await startTestEnv({ members: 0 });
    kc = new KubeConfig();
    kc.loadFromFile(env.registry.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await env?.stop();
  });

  const next = <T>(events$: Observable<WatchEvent<T>>, pred: (e: WatchEvent<T>) => boolean) =>
    firstValueFrom(events$.pipe(filter(pred)));
  const named = (type: string, name: string) => (e: WatchEvent<V1Namespace>) =>
    e.type === type && 'object' in e && e.object.metadata?.name === name;

  it('streams adds, updates and deletes, relists after the apiserver loses its history, and recovers from an outage', async () => {
    const src = watchSource<V1Namespace>(
      kc,
      '/api/v1/namespaces',
      () => core.listNamespace({ labelSelector: `test=${label}` }),
      {
        name: 'registry/namespaces',
        labelSelector: `test=${label}`,
        backoffMs: { initial: 100, max: 1000 },
      },
    );
    try {
      await next(src.events$, (e) => e.type === 'synced');
      expect(src.health().synced).to.equal(true);

      const added = next(src.events$, named('added', `${label}-a`));
      await core.createNamespace({ body: { metadata: { name: `${label}-a`, labels: { test: label } } } });
      await added;
      expect(src.get(`${label}-a`)?.metadata?.name).to.equal(`${label}-a`);

      const updated = next(src.events$, named('updated', `${label}-a`));
      await core.patchNamespace({
        name: `${label}-a`,
        body: [{ op: 'add', path: '/metadata/annotations', value: { x: '1' } }],
      });
      expect(((await updated) as { object: V1Namespace }).object.metadata?.annotations?.x).to.equal('1');

      // History lost: compaction, then a restart that drops the watch cache. The watch must
      // relist (410 Gone) and still see what changed while it was away.
      await env.registry.compact();
      const errored = next(src.events$, (e) => e.type === 'error');
      await env.registry.stop();
      await errored;
      expect(src.health().lastError).to.be.a('string');
      const relisted = next(src.events$, (e) => e.type === 'synced');
      await env.registry.start();
      const addedWhileAway = next(src.events$, named('added', `${label}-b`));
      await core.createNamespace({ body: { metadata: { name: `${label}-b`, labels: { test: label } } } });
      await Promise.all([relisted, addedWhileAway]);
      expect(
        src
          .list()
          .map((n) => n.metadata?.name)
          .sort(),
      ).to.deep.equal([`${label}-a`, `${label}-b`]);

      const deleted = next(src.events$, named('deleted', `${label}-b`));
      await core.deleteNamespace({ name: `${label}-b` });
      // The namespace controller finishes the deletion.
      await deleted;
      expect(src.get(`${label}-b`)).to.equal(undefined);
    } finally {
      await src.stop();
    }
  });
});
