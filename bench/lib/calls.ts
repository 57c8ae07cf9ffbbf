/**
 * Reading the emulator's call log: which calls are writes, which are reads of what kind, and the
 * slice of the log a measurement made.
 */
import type { CallEntry, Emulator } from '../../test/emulator/index.ts';
import { rateGroupOf } from '../../test/emulator/rate-limit.ts';

/** Counts of one slice of the call log, by the Compute API's per-minute quota groups. */
export interface CallCounts {
  /** Mutations answered 200 (a rejected one changed nothing). */
  readonly writes: number;
  /** Mutations refused, by status (403/429 rate limits, 4xx, 5xx). */
  readonly rejectedWrites: number;
  readonly lists: number;
  readonly gets: number;
  readonly operationReads: number;
  /** `backendServices.getHealth` (the health loop's reads, counted apart). */
  readonly getHealth: number;
  /** Calls answered 403 or 429 `rateLimitExceeded`. */
  readonly rateLimited: number;
  readonly total: number;
}

/** Counts a slice of the call log. */
export function countCalls(log: readonly CallEntry[]): CallCounts {
  let writes = 0;
  let rejectedWrites = 0;
  let lists = 0;
  let gets = 0;
  let operationReads = 0;
  let getHealth = 0;
  let rateLimited = 0;
  for (const c of log) {
    const group = rateGroupOf(c.method);
    if ((c.status === 403 || c.status === 429) && group === 'mutations') rateLimited++;
    if (group === 'mutations') {
      if (c.status === 200) writes++;
      else rejectedWrites++;
    } else if (group === 'lists') lists++;
    else if (group === 'operationReads') operationReads++;
    else if (c.method.endsWith('.getHealth')) getHealth++;
    else gets++;
  }
  return { writes, rejectedWrites, lists, gets, operationReads, getHealth, rateLimited, total: log.length };
}

/** A mark in the call log; `since` returns what was logged after it. */
export function mark(emulator: Emulator): { since(): CallEntry[] } {
  const start = emulator.calls().length;
  return { since: () => emulator.calls().slice(start) };
}
