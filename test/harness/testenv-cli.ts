// `npm run testenv -- up [--members N] [--dir D]` starts a registry and N member clusters and
// writes D/<name>.kubeconfig and D/env.json; `npm run testenv -- down [--dir D]` stops them.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestEnv, stopDetached } from './testenv.ts';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { members: { type: 'string', default: '2' }, dir: { type: 'string', default: '.testenv' } },
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
    for (const c of env.clusters) console.log(`${c.name.padEnd(10)} ${c.server}  ${c.kubeconfig}`);
    console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${join(dir, 'env.json')}`);
    return 0;
  }
  if (command === 'down') {
    const n = await stopDetached(dir);
    console.log(`stopped ${n} processes`);
    return 0;
  }
  throw new Error('usage: testenv up [--members N] [--dir D] | testenv down [--dir D]');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`testenv: ${(err as Error).message}`);
    process.exit(1);
  },
);
