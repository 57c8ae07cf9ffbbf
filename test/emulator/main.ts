/**
 * Runs the emulator alone: `node test/emulator/main.ts --port P [--project ID] [--op-latency-ms N]
 * [--self-links google|endpoint] [--config FILE.json]`. Prints one line with the endpoint and the
 * admin URL, and stops on SIGTERM or SIGINT. Exits 2 on bad flags.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StartOptions } from './index.ts';
import { startEmulator } from './index.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      project: { type: 'string' },
      'op-latency-ms': { type: 'string' },
      'self-links': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  const latency = values['op-latency-ms'] === undefined ? undefined : Number(values['op-latency-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`--port: '${String(values.port)}' is not a port`);
  if (latency !== undefined && !(latency >= 0))
    throw new RangeError(`--op-latency-ms: '${String(values['op-latency-ms'])}' is not a duration`);
  const selfLinks = values['self-links'];
  if (selfLinks !== undefined && selfLinks !== 'google' && selfLinks !== 'endpoint') {
    throw new RangeError('--self-links must be google or endpoint');
  }
  const opts: StartOptions = {
    port,
    ...(values.project !== undefined ? { project: values.project } : {}),
    ...(latency !== undefined ? { opLatencyMs: latency } : {}),
    ...(selfLinks !== undefined ? { selfLinks } : {}),
    ...(values.config !== undefined
      ? { config: JSON.parse(readFileSync(values.config, 'utf8')) as StartOptions['config'] }
      : {}),
  };
  const emulator = await startEmulator(opts);
  console.log(
    `compute emulator: endpoint ${emulator.endpoint} admin ${emulator.admin} project ${emulator.project}`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`compute emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
