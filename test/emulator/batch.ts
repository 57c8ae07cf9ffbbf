/**
 * Google's batch endpoint (`POST /batch/compute/v1`, multipart/mixed), which gcloud uses for most
 * compute calls: each part is an `application/http` request; each is served through the same
 * pipeline as a lone call (logged, rate-limited, faulted) and answered in a part whose
 * Content-ID is `<response-ID>` for the request's `<ID>`, as apitools expects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from './core.ts';
import { ComputeError } from './errors.ts';
import { sendJson, toCall } from './transport.ts';
import type { Router } from './router.ts';

/** One request inside a batch. */
export interface BatchPart {
  readonly contentId: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ''];
}

function headers(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

/** Splits a multipart/mixed batch body into its HTTP requests; throws ComputeError 400 when malformed. */
export function parseBatch(contentType: string, body: string): BatchPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary)
    throw new ComputeError({
      code: 400,
      reason: 'invalid',
      message: 'Batch requests must be multipart/mixed with a boundary.',
    });
  const parts = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?`));
  const out: BatchPart[] = [];
  for (const raw of parts) {
    if (raw.trim() === '') continue;
    const [partHead, inner] = splitHead(raw.replace(/^\r?\n/, ''));
    const contentId = headers(partHead).get('content-id');
    const [requestHead, requestBody] = splitHead(inner);
    const [requestLine = ''] = requestHead.split(/\r?\n/);
    const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/.exec(requestLine.trim());
    if (!m)
      throw new ComputeError({
        code: 400,
        reason: 'invalid',
        message: `Malformed batch part request line '${requestLine}'.`,
      });
    out.push({
      contentId,
      method: m[1] as string,
      url: m[2] as string,
      body: requestBody.replace(/\r?\n$/, ''),
    });
  }
  return out;
}

function responseId(contentId: string | undefined, index: number): string {
  const inner = contentId?.replace(/^<|>$/g, '') ?? String(index + 1);
  return `<response-${inner}>`;
}

/** Serves one batch request. */
export async function handleBatch(
  core: Core,
  router: Router,
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
): Promise<void> {
  let parts: BatchPart[];
  try {
    parts = parseBatch(String(req.headers['content-type'] ?? ''), body);
  } catch (err) {
    if (!(err instanceof ComputeError)) throw err;
    sendJson(res, err.code, err.toBody());
    return;
  }
  const answers = await Promise.all(
    parts.map(async (p) => {
      const url = new URL(p.url, 'http://emulator.invalid');
      return core.serve(toCall(router, p.method, url.pathname + url.search, p.body, true));
    }),
  );
  if (answers.some((a) => a.drop)) {
    req.socket.destroy();
    return;
  }
  const boundary = `batch_${core.store.nextId()}`;
  const chunks = answers.map((a, i) => {
    const json = a.body === undefined ? '' : JSON.stringify(a.body);
    return [
      `--${boundary}`,
      'Content-Type: application/http',
      `Content-ID: ${responseId(parts[i]?.contentId, i)}`,
      '',
      `HTTP/1.1 ${a.status} ${STATUS_TEXT[a.status] ?? 'Status'}`,
      'Content-Type: application/json; charset=UTF-8',
      `Content-Length: ${Buffer.byteLength(json)}`,
      '',
      json,
    ].join('\r\n');
  });
  const text = `${chunks.join('\r\n')}\r\n--${boundary}--\r\n`;
  res.writeHead(200, {
    'content-type': `multipart/mixed; boundary=${boundary}`,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
