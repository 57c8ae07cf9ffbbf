/**
 * `make bench`: runs the six benchmark scenarios (DESIGN §9) and writes
 * `bench/results/<date>-<commit>.json` and `.md`, then prints the table. Never part of `make test`.
 *
 *   node bench/run.ts [--only 1,2,...] [--out DIR] [--no-write] [--commit SHA]
 *
 * Scenarios share worlds to stay within the time budget: 1 and 6 the real clusters; 2, 4 and 3
 * one synthetic fleet (in that order: 3 changes the emulator's write quota); 5 its own.
 * Exits 1 when a scenario fails to run (a goal not met is a result, not a failure).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { progressLog } from './lib/log.ts';
import { currentCommit, describeMachine, finishMachine } from './lib/machine.ts';
import { resultMarkdown, resultTable } from './lib/markdown.ts';
import type { BenchResult, ScenarioReport } from './lib/result.ts';
import { startRealWorld } from './lib/real-world.ts';
import { startFleetWorld } from './scenarios/fleet-world.ts';
import { runTimeToVip } from './scenarios/s1-time-to-vip.ts';
import { runCalls } from './scenarios/s2-calls.ts';
import { runFanOut } from './scenarios/s3-fan-out.ts';
import { runBursts } from './scenarios/s4-bursts.ts';
import { runScale } from './scenarios/s5-scale.ts';
import { runFailover } from './scenarios/s6-failover.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Thrown for a command line the runner cannot run with. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseOnly(value: string | undefined): Set<number> {
  if (value === undefined) return new Set([1, 2, 3, 4, 5, 6]);
  const ids = value.split(',').map((s) => Number(s.trim()));
  if (ids.some((n) => !Number.isInteger(n) || n < 1 || n > 6)) {
    throw new UsageError(`--only takes scenario numbers 1-6, got ${value}`);
  }
  return new Set(ids);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      out: { type: 'string', default: join(REPO, 'bench/results') },
      'no-write': { type: 'boolean', default: false },
      // The commit measured, when the tree is not a git work tree (bench-compare --run).
      commit: { type: 'string' },
    },
  });
  const only = parseOnly(values.only);
  const started = performance.now();
  const log = progressLog(started);
  const machine = describeMachine();
  const commit = values.commit ?? currentCommit(REPO);
  const reports: ScenarioReport[] = [];
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push(`${what}: ${message}`);
      log(`FAILED ${what}: ${message}`);
    }
  };

  if (only.has(1) || only.has(6)) {
    await attempt('real world (scenarios 1, 6)', async () => {
      log('scenarios 1 and 6: starting a registry and three members');
      // Starting four clusters on a busy shared machine has failed once in a while; try once more.
      const rw = await startRealWorld(log).catch((err: unknown) => {
        log(
          `  the clusters did not start (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); retrying`,
        );
        return startRealWorld(log);
      });
      try {
        if (only.has(1))
          await attempt('scenario 1', async () => void reports.push(await runTimeToVip(rw, log)));
        if (only.has(6))
          await attempt('scenario 6', async () => void reports.push(await runFailover(rw, log)));
      } finally {
        await rw.stop();
      }
    });
  }
  if (only.has(2) || only.has(3) || only.has(4)) {
    await attempt('fleet (scenarios 2, 4, 3)', async () => {
      log('scenarios 2, 4, 3: building the fleet');
      const fleet = await startFleetWorld(log);
      try {
        if (only.has(2))
          await attempt('scenario 2', async () => void reports.push(await runCalls(fleet, log)));
        if (only.has(4))
          await attempt('scenario 4', async () => void reports.push(await runBursts(fleet, log)));
        if (only.has(3))
          await attempt('scenario 3', async () => void reports.push(await runFanOut(fleet, log)));
      } finally {
        await fleet.close();
      }
    });
  }
  if (only.has(5)) {
    await attempt('scenario 5', async () => {
      log('scenario 5: scale and memory');
      reports.push(await runScale(log));
    });
  }

  reports.sort((a, b) => a.scenario - b.scenario);
  const result: BenchResult = {
    commit,
    date: new Date().toISOString().slice(0, 10),
    machine: finishMachine(machine),
    seconds: Math.round((performance.now() - started) / 1000),
    scenarios: reports.flatMap((r) => r.rows),
    notes: Object.fromEntries(reports.map((r) => [String(r.scenario), r.notes])),
  };
  if (!values['no-write']) {
    mkdirSync(values.out, { recursive: true });
    const base = join(values.out, `${result.date}-${commit}`);
    writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
    writeFileSync(`${base}.md`, resultMarkdown(result));
    log(`wrote ${base}.json and .md`);
  }
  process.stdout.write(resultTable(result.scenarios) + '\n');
  for (const f of failures) process.stderr.write(`\nFAILED ${f}\n`);
  log(`done in ${result.seconds} s`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
