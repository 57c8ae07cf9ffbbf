import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** One check behind /healthz or /readyz: undefined when fine, else why not. */
export type Check = () => string | undefined;

/**
 * Serves /metrics (Prometheus text), /healthz (liveness: every watch has been active within its
 * timeout) and /readyz (readiness: caches synced). A failing probe answers 503 with the reasons,
 * one a line, so `kubectl describe pod` shows them.
 */
export async function startHttpServer(opts: {
  host: string;
  port: number;
  registry: Registry;
  healthz: Check[];
  readyz: Check[];
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = (checks: Check[]) => {
      const failures = checks.map((c) => c()).filter((m): m is string => m !== undefined);
      res.writeHead(failures.length ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(failures.length ? failures.join('\n') + '\n' : 'ok\n');
    };
    if (path === '/healthz') return probe(opts.healthz);
    if (path === '/readyz') return probe(opts.readyz);
    if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': opts.registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics: ${err.message}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
