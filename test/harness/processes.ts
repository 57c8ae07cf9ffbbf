import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A child process whose output goes to a log file, stopped with SIGTERM then SIGKILL. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the process has exited (immediately if it already has). */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

// Children die with us: on a normal exit or a signal we kill what is still running
// (synchronously, the only thing an 'exit' handler can do). A SIGKILLed test runner is covered
// by kube-testenv's own --parent-pid watchdog.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/**
 * Starts `command args` with stdout and stderr appended to `logFile`. With `detached`, the
 * process outlives this one (for `testenv up`); otherwise it is killed when this process exits.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  opts: { detached?: boolean; env?: NodeJS.ProcessEnv } = {},
): ManagedProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    stdio: ['ignore', fd, fd],
    detached: opts.detached ?? false,
    env: opts.env ?? process.env,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  if (opts.detached) {
    child.unref();
  } else {
    installExitHook();
    live.add(child);
  }
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (c, signal) => {
      live.delete(child);
      code = c ?? (signal ? null : c);
      resolve(code);
    });
    child.once('error', () => {
      live.delete(child);
      code = null;
      resolve(null);
    });
  });
  const pid = child.pid;
  return {
    name,
    pid,
    logFile,
    exited,
    isRunning: () => code === undefined,
    stop: async (graceMs = 5_000) => {
      if (code !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops a process known only by its pid (one started detached by an earlier command). */
export async function stopPid(pid: number, graceMs = 10_000, pollMs = 100): Promise<void> {
  if (!pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await delay(pollMs);
  }
  while (pidAlive(pid)) await delay(pollMs);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc tells it apart.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Resolves after `ms`; only for polling loops that also have a deadline. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
