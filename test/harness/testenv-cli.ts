// `npm run testenv -- up [--members N] [--dir D]` starts a registry and N member clusters, the
// Compute emulator and one member simulator per member, and writes D/<name>.kubeconfig and
// D/env.json (with `gce`); `npm run testenv -- down [--dir D]` stops them all.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pollUntil } from './poll.ts';
import { startProcess, tail } from './processes.ts';
import { startTestEnv, stopDetached } from './testenv.ts';

/**
 * Starts the Compute emulator and the member simulators as one detached process, records its
 * pid for `down`, and waits until it has written `gce` into env.json.
 */
async function startServices(dir: string, opLatencyMs: string): Promise<void> {
  const log = join(dir, 'services.log');
  const proc = startProcess(
    'services',
    process.execPath,
    [
      join(dirname(fileURLToPath(import.meta.url)), 'services-main.ts'),
      '--dir',
      dir,
      '--op-latency-ms',
      opLatencyMs,
    ],
    log,
    { detached: true },
  );
  const statePath = join(dir, 'state.json');
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { pids?: number[] };
  writeFileSync(statePath, JSON.stringify({ ...state, pids: [proc.pid, ...(state.pids ?? [])] }) + '\n');
  await pollUntil(
    'the emulator and simulators',
    async () => {
      if (!proc.isRunning()) throw new Error(`they exited:\n${tail(log)}`);
      const env = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as { gce?: { endpoint?: string } };
      return env.gce?.endpoint;
    },
    90_000,
  );
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      members: { type: 'string', default: '2' },
      dir: { type: 'string', default: '.testenv' },
      'op-latency-ms': { type: 'string', default: '200' },
      'no-gce': { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  const dir = resolve(values.dir);
  if (command === 'up') {
    const members = Number(values.members);
    if (!Number.isInteger(members) || members < 0 || members > 8) {
      throw new Error(`--members must be a whole number from 0 to 8, got ${values.members}`);
    }
    const started = Date.now();
    const env = await startTestEnv({ members, dir, detached: true });
    if (!values['no-gce']) await startServices(dir, values['op-latency-ms']);
    for (const c of env.clusters) console.log(`${c.name.padEnd(10)} ${c.server}  ${c.kubeconfig}`);
    console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${join(dir, 'env.json')}`);
    return 0;
  }
  if (command === 'down') {
    const n = await stopDetached(dir);
    console.log(`stopped ${n} processes`);
    return 0;
  }
  throw new Error(
    'usage: testenv up [--members N] [--dir D] [--op-latency-ms N] [--no-gce] | testenv down [--dir D]',
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`testenv: ${(err as Error).message}`);
    process.exit(1);
  },
);
