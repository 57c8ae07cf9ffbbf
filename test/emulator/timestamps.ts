/**
 * Timestamps the way Compute Engine writes them: RFC 3339 with milliseconds and a Pacific-time
 * offset (`2017-08-08T10:37:55.413-07:00`), fixed at -07:00 so output does not depend on the host.
 */

/** Formats `ms` since the epoch as GCE does. */
export function gceTimestamp(ms: number): string {
  const shifted = new Date(ms - 7 * 3600_000).toISOString();
  return `${shifted.slice(0, -1)}-07:00`;
}

/** Parses a GCE (or any RFC 3339) timestamp back to ms since the epoch; NaN if unparseable. */
export function parseTimestamp(text: string): number {
  return Date.parse(text);
}
