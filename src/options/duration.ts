/** A flag value that is not a valid duration. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration ("500ms", "30s", "10m", "1h30m") into milliseconds. A bare number
 * is refused, so "30" is never silently read as 30 ms or 30 s. Throws DurationError.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    throw new DurationError(`"${text}" is not a duration (use a unit: 500ms, 30s, 10m, 1h)`);
  }
  let total = 0;
  for (const [, value, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(value) * UNITS[unit!]!;
  }
  return Math.round(total);
}

/** Formats milliseconds as the shortest duration parseDuration reads back ("90s", "2m"). */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
