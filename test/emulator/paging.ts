/**
 * List paging as Compute Engine does it: `filter` first, then `orderBy` (by name unless told
 * `creationTimestamp desc`), then pages of `maxResults` (0-500, default 500) continued with an
 * opaque `nextPageToken` that is only valid for the same filter and order.
 */
import { createHash } from 'node:crypto';
import { ComputeError, invalidField } from './errors.ts';
import { compileFilter } from './filter.ts';

/** The list query parameters. */
export interface ListQuery {
  readonly filter?: string | null | undefined;
  readonly maxResults?: string | null | undefined;
  readonly pageToken?: string | null | undefined;
  readonly orderBy?: string | null | undefined;
}

/** One page: the items on it and, when more remain, the token for the next. */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/** Reads `maxResults`, throwing 400 `invalid` outside 0..500; 0 and absent mean 500. */
export function pageSize(maxResults: string | null | undefined): number {
  if (maxResults === undefined || maxResults === null || maxResults === '') return 500;
  const n = Number(maxResults);
  if (!Number.isInteger(n) || n < 0)
    throw invalidField('maxResults', maxResults, 'Must be a non-negative integer.');
  if (n > 500) throw invalidField('maxResults', maxResults, 'Must be less than or equal to 500');
  return n === 0 ? 500 : n;
}

function queryHash(q: ListQuery): string {
  return createHash('sha256')
    .update(`${q.filter ?? ''}\u0000${q.orderBy ?? ''}`)
    .digest('base64url')
    .slice(0, 10);
}

function readToken(q: ListQuery): number {
  if (!q.pageToken) return 0;
  try {
    const t = JSON.parse(Buffer.from(q.pageToken, 'base64url').toString('utf8')) as {
      o?: unknown;
      q?: unknown;
    };
    if (typeof t.o === 'number' && Number.isInteger(t.o) && t.o >= 0 && t.q === queryHash(q)) return t.o;
  } catch {
    // fall through to the error below
  }
  throw invalidField('pageToken', q.pageToken, 'The page token is invalid or does not belong to this query.');
}

/**
 * Filters, orders and pages `items`; `view` gives the JSON that filters and ordering look at.
 * Throws 400 for a bad filter, orderBy, maxResults or pageToken.
 */
export function paginate<T>(
  items: readonly T[],
  q: ListQuery,
  view: (item: T) => Record<string, unknown>,
  opts: { legacyFilterOnly?: boolean } = {},
): Page<T> {
  const filter = compileFilter(q.filter, opts.legacyFilterOnly);
  const size = pageSize(q.maxResults);
  const offset = readToken(q);
  let selected = items.filter((item) => filter.matches(view(item)));
  const order = (q.orderBy ?? '').trim();
  if (order === 'creationTimestamp desc') {
    selected = [...selected].sort((a, b) =>
      String(view(b).creationTimestamp ?? '').localeCompare(String(view(a).creationTimestamp ?? '')),
    );
  } else if (order !== '' && order !== 'name' && order !== 'name asc') {
    throw new ComputeError({
      code: 400,
      reason: 'invalid',
      message: `Invalid value for field 'orderBy': '${order}'. Only 'name' and 'creationTimestamp desc' are supported.`,
    });
  }
  const pageItems = selected.slice(offset, offset + size);
  if (offset + size >= selected.length) return { items: pageItems };
  const token = Buffer.from(JSON.stringify({ o: offset + size, q: queryHash(q) })).toString('base64url');
  return { items: pageItems, nextPageToken: token };
}
