/**
 * `make bench-compare A=… B=…`: compares two benchmark results row by row.
 *
 *   node bench/compare.ts <A> <B> [--run [--only 1,2,...]]
 *
 * A and B are result files (`bench/results/<date>-<commit>.json`) or commits. A commit is resolved
 * to the newest result file for it in bench/results/; with `--run`, a commit without one is
 * measured: its tree is exported with `git archive` (nothing in this clone changes), this harness
 * is copied into it, and `bench/run.ts` runs there (only the scenarios of `--only`, if given).
 * Ratios are the figures to compare: each is taken against a bound measured in its own run, so
 * two machines or two loads stay comparable.
 * Exits 2 on bad arguments, 1 when a result cannot be found or produced.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult, ScenarioRow } from './lib/result.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(REPO, 'bench/results');

/** A result that could not be found or produced. */
export class CompareError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompareError';
  }
}

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The newest result file in `dir` measured at `sha` (12 hex digits, maybe with -dirty). */
export function resultFileFor(dir: string, sha: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && (f.endsWith(`-${sha}.json`) || f.endsWith(`-${sha}-dirty.json`)))
    .sort();
  const newest = files.at(-1);
  return newest === undefined ? undefined : join(dir, newest);
}

/** Runs the benchmark on the tree of `sha`, exported to a temporary directory; returns its result file. */
function runAt(sha: string, only: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), `kubemci-bench-${sha}-`));
  process.stderr.write(`bench-compare: measuring ${sha} in ${dir}\n`);
  const archive = spawnSync('sh', ['-c', `git archive ${sha} | tar -x -C '${dir}'`], {
    cwd: REPO,
    stdio: 'inherit',
  });
  if (archive.status !== 0) throw new CompareError(`could not export ${sha}`);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  // This harness measures that tree's code (its src/ and test/), so every commit is measured alike.
  rmSync(join(dir, 'bench'), { recursive: true, force: true });
  cpSync(join(REPO, 'bench'), join(dir, 'bench'), {
    recursive: true,
    filter: (src) => !src.startsWith(join(REPO, 'bench/results')),
  });
  const out = join(dir, 'bench/results');
  const run = spawnSync(
    process.execPath,
    [join(dir, 'bench/run.ts'), '--out', out, '--commit', sha, ...(only ? ['--only', only] : [])],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  const file = resultFileFor(out, sha);
  if (file === undefined)
    throw new CompareError(`the benchmark at ${sha} produced no result (exit ${run.status})`);
  return file;
}

/** Loads a result from a file path or a commit (see the module comment). */
export function loadResult(
  ref: string,
  opts: { run: boolean; only?: string },
): { label: string; result: BenchResult } {
  if (existsSync(ref)) return { label: ref, result: JSON.parse(readFileSync(ref, 'utf8')) as BenchResult };
  let sha: string;
  try {
    sha = git(['rev-parse', '--short=12', `${ref}^{commit}`]);
  } catch (err) {
    throw new CompareError(`${ref} is neither a result file nor a commit`, { cause: err });
  }
  const file = resultFileFor(RESULTS, sha) ?? (opts.run ? runAt(sha, opts.only) : undefined);
  if (file === undefined) {
    throw new CompareError(`no result for ${sha} in bench/results/; add --run to measure it`);
  }
  return {
    label: `${ref} (${file.slice(file.lastIndexOf('/') + 1)})`,
    result: JSON.parse(readFileSync(file, 'utf8')) as BenchResult,
  };
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : String(x);
}

function change(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined || a === 0) return '—';
  const pct = ((b - a) / Math.abs(a)) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(0)} %`;
}

function verdict(m: boolean | null | undefined): string {
  return m === null || m === undefined ? '—' : m ? 'yes' : 'no';
}

/** The comparison as Markdown: both machines, then one line per row name found in either result. */
export function compareMarkdown(
  a: { label: string; result: BenchResult },
  b: { label: string; result: BenchResult },
): string {
  const byName = (rows: readonly ScenarioRow[]) => new Map(rows.map((r) => [r.name, r]));
  const ra = byName(a.result.scenarios);
  const rb = byName(b.result.scenarios);
  const names = [...new Set([...ra.keys(), ...rb.keys()])].sort((x, y) =>
    x.localeCompare(y, 'en', { numeric: true }),
  );
  const machine = (r: BenchResult) =>
    `${r.machine.cpu}, ${r.machine.cores} cores, load ${r.machine.loadAverage.join('→')}, commit ${r.commit}, ${r.date}`;
  return [
    `A: ${a.label}: ${machine(a.result)}`,
    `B: ${b.label}: ${machine(b.result)}`,
    '',
    '| Scenario | A figure | B figure | Unit | A ratio | B ratio | Ratio change | Goal | A met | B met |',
    '|---|---:|---:|---|---:|---:|---:|---|---|---|',
    ...names.map((n) => {
      const x = ra.get(n);
      const y = rb.get(n);
      return `| ${n} | ${fmt(x?.figure)} | ${fmt(y?.figure)} | ${x?.unit ?? y?.unit ?? ''} | ${fmt(x?.ratio)} | ${fmt(y?.ratio)} | ${change(x?.ratio, y?.ratio)} | ${y?.goal ?? x?.goal ?? ''} | ${verdict(x?.met)} | ${verdict(y?.met)} |`;
    }),
    '',
  ].join('\n');
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { run: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  if (positionals.length !== 2) {
    process.stderr.write(
      'usage: node bench/compare.ts <result-file|commit> <result-file|commit> [--run [--only 1,2,...]]\n',
    );
    return 2;
  }
  try {
    const [a, b] = positionals.map((p) => loadResult(p, { run: values.run, only: values.only }));
    process.stdout.write(compareMarkdown(a!, b!));
    return 0;
  } catch (err) {
    process.stderr.write(`bench-compare: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exit(main());
