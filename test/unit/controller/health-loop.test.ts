import { expect } from 'chai';
import type { GceClient } from '../../../src/gce/gce-client.ts';
import { BackendRegistry, startHealthLoop } from '../../../src/controller/health-loop.ts';
import { healthKey } from '../../../src/controller/status-annotation.ts';
import { silentLogger } from '../../../src/log/logger.ts';

describe('backend health loop', () => {
  it('polls each group of each backend once a round, counts per cluster, and reports Ingresses whose health changed', async () => {
    const states: Record<string, string[]> = { 'g-us': ['HEALTHY', 'HEALTHY'], 'g-eu': ['HEALTHY'] };
    const calls: string[] = [];
    const gce = {
      getHealth: async (_bs: string, group: string) => {
        calls.push(group);
        return { healthStatus: (states[group] ?? []).map((healthState) => ({ healthState })) };
      },
    } as unknown as GceClient;
    const backends = new BackendRegistry();
    backends.set('ns/shop', [
      {
        service: 'web',
        port: 80,
        backendService: 'bs',
        healthCheck: 'hc',
        protocol: 'HTTP',
        healthCheckPath: '/',
        clusters: [
          { cluster: 'us', capacityScaler: 1, groups: ['g-us'] },
          { cluster: 'eu', capacityScaler: 1, groups: ['g-eu'] },
        ],
      },
    ]);
    const changed: string[] = [];
    const loop = startHealthLoop({
      gce,
      backends,
      periodMs: 3_600_000,
      log: silentLogger,
      now: () => 0,
      onChange: (k) => changed.push(k),
    });
    try {
      await loop.pollOnce();
      expect(calls.sort()).to.deep.equal(['g-eu', 'g-us']);
      expect(loop.health().get(healthKey('bs', 'us'))).to.deep.include({ healthy: 2, unhealthy: 0 });
      expect(changed).to.deep.equal(['ns/shop']);

      await loop.pollOnce();
      expect(changed, 'nothing changed: nobody told').to.deep.equal(['ns/shop']);

      states['g-eu'] = ['UNHEALTHY'];
      await loop.pollOnce();
      expect(loop.health().get(healthKey('bs', 'eu'))).to.deep.include({ healthy: 0, unhealthy: 1 });
      expect(changed).to.deep.equal(['ns/shop', 'ns/shop']);

      backends.delete('ns/shop');
      calls.length = 0;
      await loop.pollOnce();
      expect(calls).to.deep.equal([]);
    } finally {
      loop.stop();
    }
  });
});
