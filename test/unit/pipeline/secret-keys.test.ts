import type { IngressSet } from '../../../src/pipeline/ingress-set.ts';
import { secretEventsToKeys } from '../../../src/pipeline/secret-keys.ts';
import type { SecretObject } from '../../../src/pipeline/types.ts';
import { added, deleted, ingress, updated } from './fixtures.ts';
import { newTestScheduler } from './marbles.ts';

const secret = (namespace: string, name: string): SecretObject => ({ metadata: { namespace, name } });

describe('secretEventsToKeys', () => {
  it('fans a Secret event out to the Ingresses of its namespace that name it in spec.tls', () => {
    newTestScheduler().run(({ hot, expectObservable }) => {
      const set: IngressSet = new Map([
        ['shop/web', ingress('web', { tlsSecrets: ['cert', 'old-cert'] })],
        ['shop/api', ingress('api', { tlsSecrets: ['cert'] })],
        ['shop/plain', ingress('plain')],
        ['blog/web', ingress('web', { namespace: 'blog', tlsSecrets: ['cert'] })],
      ]);
      const ingresses = hot('s', { s: set });
      const events = hot('  -a---mxo', {
        a: added(secret('shop', 'cert')),
        m: updated(secret('shop', 'other')),
        x: deleted(secret('shop', 'old-cert')),
        o: updated(secret('blog', 'cert')),
      });
      const keys = events.pipe(secretEventsToKeys({ ingresses$: ingresses }));
      expectObservable(keys).toBe('-(wa)-wb', { w: 'shop/web', a: 'shop/api', b: 'blog/web' });
    });
  });
});
