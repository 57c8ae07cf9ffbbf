/** What a result was measured on, and at which commit. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './result.ts';

/** The machine now; the end load average is filled in by {@link finishMachine}. */
export function describeMachine(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage: [Math.round(loadavg()[0]! * 100) / 100, 0],
  };
}

/** The same description with the load average at the end of the run. */
export function finishMachine(m: MachineInfo): MachineInfo {
  return { ...m, loadAverage: [m.loadAverage[0], Math.round(loadavg()[0]! * 100) / 100] };
}

function git(args: readonly string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/**
 * The commit the tree is at (12 hex digits), with `-dirty` when tracked files differ from it
 * (the measured code is then not exactly that commit). `unknown` outside a git work tree.
 */
export function currentCommit(cwd: string): string {
  try {
    const sha = git(['rev-parse', '--short=12', 'HEAD'], cwd);
    const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'src'], cwd) !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}
