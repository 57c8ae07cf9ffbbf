// The services `testenv up` runs beside the clusters, as one detached process: the Compute
// emulator and one member-cluster simulator per member. It adds `gce` to env.json, writes a
// token file for clients, and runs until SIGTERM or SIGINT.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.ts';
import { startSimulators } from '../simulator/index.ts';
import type { EnvFile } from './testenv.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '0' },
      project: { type: 'string', default: 'kubemci-demo' },
      'op-latency-ms': { type: 'string', default: '200' },
    },
  });
  if (!values.dir) throw new Error('--dir is required');
  const dir = resolve(values.dir);
  const envPath = join(dir, 'env.json');
  const env = JSON.parse(readFileSync(envPath, 'utf8')) as EnvFile;
  const emulator = await startEmulator({
    port: Number(values.port),
    project: values.project,
    opLatencyMs: Number(values['op-latency-ms']),
  });
  const sims = await startSimulators({ clusters: env.clusters }, emulator, {});
  const tokenFile = join(dir, 'gce-token');
  writeFileSync(tokenFile, 'testenv-access-token\n', { mode: 0o600 });
  const nodeTags = Object.fromEntries(sims.all.map((s) => [s.name, s.networkTag]));
  const next = {
    ...env,
    gce: {
      endpoint: emulator.endpoint,
      project: emulator.project,
      admin: emulator.admin,
      tokenFile,
      nodeTags,
    },
  };
  writeFileSync(envPath, JSON.stringify(next, null, 2) + '\n');
  console.log(
    `emulator ${emulator.endpoint} (admin ${emulator.admin}); simulators for ${sims.all.map((s) => s.name).join(', ')}`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sims.stop();
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`testenv services: ${(err as Error).message}`);
  process.exit(1);
});
