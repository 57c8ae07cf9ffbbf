/** Progress lines on stderr, so stdout carries only the result table. */
export type ProgressLog = (line: string) => void;

/** Writes progress to stderr with the seconds since `start`. */
export function progressLog(start = performance.now()): ProgressLog {
  return (line) => {
    const t = ((performance.now() - start) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${t}s] ${line}\n`);
  };
}

/** Seconds since `t0` (a performance.now value). */
export function secondsSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}
