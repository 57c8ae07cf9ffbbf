// A TLS-terminating reverse proxy in front of one test API server that records every request's
// method, path and status. The controller retries a refused list or watch quietly (its log does
// not show it), and kube-apiserver counts no refusal in its metrics, so the proxy is where every
// 403 the controller meets is seen. It presents the API server's own serving certificate (issued
// for 127.0.0.1 by the cluster's CA), so clients that trust the cluster trust the proxy.
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';

/** One request through the proxy, recorded when its response headers came back. */
export interface RecordedCall {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly path: string;
  /** The API server's status, or 502 when it could not be reached. */
  readonly status: number;
}

/** A running proxy. */
export interface RecordingProxy {
  /** `https://127.0.0.1:PORT`, to use as a kubeconfig's server or a Cluster's serverAddress. */
  readonly url: string;
  /** Every request so far, in the order their responses started. */
  calls(): readonly RecordedCall[];
  /** Stops listening and cuts every open connection, watches included. */
  close(): Promise<void>;
}

/** Where to forward to and what to present. */
export interface RecordingProxyOptions {
  /** The API server, `https://127.0.0.1:PORT`. */
  readonly target: string;
  /** The CA that signed the target's serving certificate. */
  readonly caPem: Buffer;
  /** The certificate and key the proxy presents (the target's serving pair). */
  readonly certPem: Buffer;
  readonly keyPem: Buffer;
}

// Per connection, not per message: a proxy must not forward them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const forwardable = (headers: IncomingMessage['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));

/**
 * Starts the proxy on 127.0.0.1 and a free port. Requests and responses stream both ways, so
 * watches work through it. Rejects when it cannot listen; a request the target does not answer
 * gets 502 and is recorded as such.
 */
export async function startRecordingProxy(opts: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = new URL(opts.target);
  const recorded: RecordedCall[] = [];
  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...forwardable(req.headers), host: target.host },
        ca: opts.caPem,
      },
      (upRes) => {
        const status = upRes.statusCode ?? 502;
        recorded.push({ method, path, status });
        res.writeHead(status, forwardable(upRes.headers));
        upRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      recorded.push({ method, path, status: 502 });
      res.writeHead(502).end();
    });
    // A client that hangs up (a watch it stops) ends the upstream request too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('recording proxy: no TCP address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    calls: () => [...recorded],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The distinct calls answered 403, each as `METHOD path`, sorted. */
export function refusedCalls(calls: readonly RecordedCall[]): string[] {
  return [...new Set(calls.filter((c) => c.status === 403).map((c) => `${c.method} ${c.path}`))].sort();
}
