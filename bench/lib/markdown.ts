/** The Markdown form of a result: the machine, the table, and the notes per scenario. */
import type { BenchResult, ScenarioRow } from './result.ts';

function cell(x: number | null): string {
  return x === null ? '—' : String(x);
}

function met(m: boolean | null): string {
  return m === null ? '—' : m ? 'yes' : '**no**';
}

/** The result table alone. */
export function resultTable(rows: readonly ScenarioRow[]): string {
  const lines = [
    '| Scenario | Figure | Unit | Bound | Ratio | Goal | Met |',
    '|---|---:|---|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${cell(r.figure)} | ${r.unit} | ${cell(r.bound)} | ${cell(r.ratio)} | ${r.goal} | ${met(r.met)} |`,
    ),
  ];
  return lines.join('\n');
}

/** The whole report: machine, table, notes. */
export function resultMarkdown(result: BenchResult): string {
  const m = result.machine;
  const notes = Object.entries(result.notes)
    .sort(([a], [b]) => Number(a) - Number(b))
    .flatMap(([, lines]) => lines.map((l) => `- ${l}`));
  return [
    `# Benchmark ${result.date}, commit ${result.commit}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ` +
      `load average ${m.loadAverage[0]} at the start, ${m.loadAverage[1]} at the end. ` +
      `The run took ${Math.round(result.seconds)} s.`,
    '',
    resultTable(result.scenarios),
    '',
    '## What each figure is',
    '',
    ...notes,
    '',
  ].join('\n');
}
