/**
 * The shape of a benchmark result and how a figure is judged against its bound. A figure is
 * always compared with a bound measured or derived in the same run (never with a constant
 * timing), so a result holds on a noisy machine.
 */

/** How a row is judged: `ratio` against a limit, `figure` against an exact count, or not at all. */
export type Goal =
  | { readonly on: 'ratio'; readonly op: '<=' | '>=' | '='; readonly value: number }
  | { readonly on: 'figure'; readonly op: '<=' | '='; readonly value: number }
  | { readonly on: 'none'; readonly why: string };

/** One row of the result table, as written to the JSON file. */
export interface ScenarioRow {
  /** `<scenario number>. <what>`, stable across runs so two results can be compared. */
  readonly name: string;
  readonly figure: number;
  readonly unit: string;
  /** The bound the figure is compared with, in the same unit; null when there is none. */
  readonly bound: number | null;
  /** figure / bound; null when the bound is 0 or absent. */
  readonly ratio: number | null;
  /** The goal as text, e.g. `ratio ≤ 1.2`. */
  readonly goal: string;
  /** Whether the goal was met; null for a row reported without a goal. */
  readonly met: boolean | null;
}

/** A scenario's rows and the notes that say what in it is synthetic and how bounds were derived. */
export interface ScenarioReport {
  readonly scenario: number;
  readonly title: string;
  readonly rows: readonly ScenarioRow[];
  /** Short sentences for the Markdown notes: what is real, what is synthetic, what the bound is. */
  readonly notes: readonly string[];
  /** Seconds the scenario took, set-up included. */
  readonly seconds: number;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average at the start and the end of the run (the machine may be shared). */
  readonly loadAverage: readonly [number, number];
}

/** A whole run: the file `bench/results/<date>-<commit>.json`. */
export interface BenchResult {
  readonly commit: string;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly seconds: number;
  readonly scenarios: readonly ScenarioRow[];
  /** Notes per scenario number. */
  readonly notes: Readonly<Record<string, readonly string[]>>;
}

/** Rounds to a few significant digits so results stay small and diffs readable. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * scale) / scale;
}

function describeGoal(goal: Goal): string {
  if (goal.on === 'none') return `— (${goal.why})`;
  const op = goal.op === '<=' ? '≤' : goal.op === '>=' ? '≥' : '=';
  return `${goal.on} ${op} ${goal.value}`;
}

function holds(op: '<=' | '>=' | '=', x: number | null, value: number): boolean | null {
  if (x === null) return null;
  if (op === '<=') return x <= value + 1e-9;
  if (op === '>=') return x >= value - 1e-9;
  return Math.abs(x - value) < 1e-9;
}

/** Builds a row: computes the ratio and whether the goal was met. */
export function row(r: {
  readonly name: string;
  readonly figure: number;
  readonly unit: string;
  readonly bound?: number | null;
  readonly goal: Goal;
}): ScenarioRow {
  const bound = r.bound ?? null;
  const ratio = bound === null || bound === 0 ? null : round(r.figure / bound);
  const met =
    r.goal.on === 'none'
      ? null
      : r.goal.on === 'ratio'
        ? holds(r.goal.op, ratio, r.goal.value)
        : holds(r.goal.op, r.figure, r.goal.value);
  return {
    name: r.name,
    figure: round(r.figure),
    unit: r.unit,
    bound: bound === null ? null : round(bound),
    ratio,
    goal: describeGoal(r.goal),
    met,
  };
}
