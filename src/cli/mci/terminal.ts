/**
 * What output looks like on a terminal: colour (only on a terminal, never with NO_COLOR or a
 * dumb terminal), kubectl's tables (upper-case headers, columns three spaces apart) and
 * kubectl's ages ("45s", "3m12s", "5h", "12d"). Pure.
 */

/** Paints text for the reader; every function is the identity when colour is off. */
export interface Style {
  readonly enabled: boolean;
  /** Healthy, ready, added. */
  good(text: string): string;
  /** Failed, a problem, removed. */
  bad(text: string): string;
  /** A warning, a change. */
  warn(text: string): string;
  /** Less important: unchanged, none. */
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (code: string) => (text: string) => (text === '' ? text : `\u001b[${code}m${text}\u001b[0m`);

/** The style for `enabled`; with colour off every painter returns its text unchanged. */
export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    const same = (text: string) => text;
    return { enabled, good: same, bad: same, warn: same, dim: same, bold: same };
  }
  return {
    enabled,
    good: ansi('32'),
    bad: ansi('31'),
    warn: ansi('33'),
    dim: ansi('2'),
    bold: ansi('1'),
  };
}

/**
 * Whether to colour: only when output goes to a terminal, and never when `NO_COLOR` is set to
 * a non-empty value (no-color.org: an empty one does not count) or `TERM` is `dumb`.
 */
export function colourWanted(
  isTty: boolean,
  env: { readonly NO_COLOR?: string; readonly TERM?: string },
): boolean {
  return isTty && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

/** One table cell: its text, and how to paint it once padded. */
export type Cell = string | { readonly text: string; readonly paint?: (text: string) => string };

/**
 * A table as kubectl prints one: the headers, then one line per row, every column as wide as
 * its widest cell and three spaces apart, the last column unpadded. Widths count the text, not
 * the colour codes painted on it. Every line ends in a newline; `indent` prefixes each.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  indent = '',
): string {
  const texts = (row: readonly Cell[]) => row.map((c) => (typeof c === 'string' ? c : c.text));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => [...(texts(r)[i] ?? '')].length)),
  );
  const line = (row: readonly Cell[]) => {
    const cells = headers.map((_, i) => {
      const cell = row[i] ?? '';
      const text = typeof cell === 'string' ? cell : cell.text;
      const padded = i === headers.length - 1 ? text : text + ' '.repeat(widths[i]! - [...text].length);
      const paint = typeof cell === 'string' ? undefined : cell.paint;
      return paint ? paint(text) + padded.slice(text.length) : padded;
    });
    return `${indent}${cells.join('   ').trimEnd()}\n`;
  };
  return [line(headers), ...rows.map(line)].join('');
}

/**
 * kubectl's age of something `ms` milliseconds old (k8s.io/apimachinery's HumanDuration):
 * seconds under 2 minutes, minutes and seconds under 10 minutes, minutes under 3 hours, hours
 * and minutes under 8 hours, hours under 2 days, days and hours under 8 days, days under 2
 * years, then years. A negative age (clock skew) shows as "0s".
 */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (years < 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** The age of an ISO time at `now`, or `<unknown>` when there is no parsable time. */
export function ageOf(iso: string | undefined, now: number): string {
  if (iso === undefined) return '<unknown>';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now - at);
}

/** Cuts text to `max` characters, ending in "..." when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 3)).join('')}...`;
}
