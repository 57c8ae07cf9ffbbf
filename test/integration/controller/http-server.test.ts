import { expect } from 'chai';
import { startHttpServer } from '../../../src/controller/http-server.ts';
import { createMetrics } from '../../../src/controller/metrics.ts';

describe('health and metrics endpoints', () => {
  it('fails /healthz with the reason while a check fails, serves /readyz and /metrics', async () => {
    let silent: string | undefined;
    let synced = false;
    const metrics = createMetrics();
    metrics.reconciles.inc({ outcome: 'ok' });
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      healthz: [() => silent],
      readyz: [() => (synced ? undefined : 'caches not synced yet')],
    });
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
      return { status: res.status, text: await res.text() };
    };
    try {
      expect(await get('/healthz')).to.deep.equal({ status: 200, text: 'ok\n' });
      silent = 'watches silent past 300000 ms: registry/ingresses';
      expect(await get('/healthz')).to.deep.equal({ status: 503, text: `${silent}\n` });
      expect((await get('/readyz')).status).to.equal(503);
      synced = true;
      expect((await get('/readyz')).status).to.equal(200);
      const m = await get('/metrics');
      expect(m.text).to.match(/^kubemci_reconciles_total\{outcome="ok"\} 1$/m);
      expect((await get('/nope')).status).to.equal(404);
    } finally {
      await server.close();
    }
  });
});
