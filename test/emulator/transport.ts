/**
 * Request and response plumbing shared by the API, batch and admin endpoints: body reading,
 * JSON parsing with Google's `parseError`, turning a request into a routed call, and JSON replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingCall } from './core.ts';
import { ComputeError } from './errors.ts';
import type { Router } from './router.ts';

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const COMPUTE_PREFIX = '/compute/v1/';

/** Reads a request body as text; rejects past 32 MB. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body the way Google's front end reports failures (400 `parseError`). */
export function parseJsonBody(text: string): { body: unknown; error?: ComputeError } {
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      body: undefined,
      error: new ComputeError({ code: 400, reason: 'parseError', message: 'Parse Error', cause: err }),
    };
  }
}

/** Turns one HTTP request line, headers and body into a routed call. */
export function toCall(
  router: Router,
  httpMethod: string,
  rawUrl: string,
  bodyText: string,
  batched = false,
): IncomingCall {
  const url = new URL(rawUrl, 'http://emulator.invalid');
  const { body, error } = parseJsonBody(bodyText);
  const path = url.pathname;
  const match = path.startsWith(COMPUTE_PREFIX)
    ? router.match(httpMethod, path.slice(COMPUTE_PREFIX.length))
    : undefined;
  return {
    methodId: match?.methodId,
    httpMethod,
    path,
    params: match?.params ?? {},
    resourceName: match?.resourceName,
    query: url.searchParams,
    body,
    bodyError: error,
    batched,
  };
}

/** Writes a JSON response (no body for 204). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 && body === undefined ? 204 : status);
    res.end();
    return;
  }
  const text = JSON.stringify(body, null, 1);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
