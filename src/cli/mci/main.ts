/**
 * Entry point of the `kubectl mci` plugin (bin/kubectl-mci): wires the real process, files,
 * clock and API clients into runMci and exits with its code.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeGceClient } from './gce-access.ts';
import { readMembersOnce } from './member-snapshot.ts';
import { connectRegistry } from './registry.ts';
import { runMci } from './run.ts';

const REQUEST_TIMEOUT_MS = 30_000;

const code = await runMci(process.argv.slice(2), {
  env: {
    KUBECONFIG: process.env.KUBECONFIG,
    HOME: process.env.HOME,
    NO_COLOR: process.env.NO_COLOR,
    TERM: process.env.TERM,
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  readText: (file) => readFileSync(file, 'utf8'),
  now: Date.now,
  sleep: (ms) => sleep(ms),
  connectRegistry: (kubeConfig) => connectRegistry(kubeConfig, REQUEST_TIMEOUT_MS),
  makeGce: makeGceClient,
  readMembers: readMembersOnce,
});
// Let stdout drain into a pipe before exiting, then exit rather than wait for idle keep-alive
// connections to close.
process.stdout.write('', () => process.exit(code));
