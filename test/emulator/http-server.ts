/**
 * The emulator's HTTP face (node:http, no framework): `/compute/v1/...` is the Compute Engine API,
 * `/batch/compute/v1` its multipart batch endpoint, and `/admin/...` the knobs and inspection
 * endpoints. Bodies are JSON; any or no bearer token is accepted.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { handleAdmin } from './admin.ts';
import { handleBatch } from './batch.ts';
import type { Core } from './core.ts';
import { ComputeError } from './errors.ts';
import { Router } from './router.ts';
import { readBody, sendJson, toCall } from './transport.ts';

async function handle(core: Core, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const pathname = rawUrl.split('?')[0] ?? '/';
  const override = req.headers['x-http-method-override'];
  const method = (
    typeof override === 'string' && req.method === 'POST' ? override : (req.method ?? 'GET')
  ).toUpperCase();
  const body = (await readBody(req)).toString('utf8');
  if (pathname.startsWith('/admin/') || pathname === '/admin') {
    await handleAdmin(core, method, rawUrl, body, res);
    return;
  }
  if (pathname === '/batch/compute/v1' || pathname === '/batch') {
    await handleBatch(core, router, req, body, res);
    return;
  }
  const out = await core.serve(toCall(router, method, rawUrl, body));
  if (out.drop) {
    req.socket.destroy();
    return;
  }
  sendJson(res, out.status, out.body);
}

/** Creates (but does not start) the HTTP server of an engine. */
export function createEmulatorServer(core: Core): Server {
  const router = new Router();
  return createServer((req, res) => {
    handle(core, router, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      sendJson(
        res,
        500,
        new ComputeError({
          code: 500,
          reason: 'internalError',
          message: `Emulator failure: ${message}`,
          cause: err,
        }).toBody(),
      );
    });
  });
}
