/**
 * Entry point of `kubemci` (bin/kubemci): wires the real process, files, GCE client and gcloud
 * into runKubemci and exits with its code.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createGceClient } from '../../gce/index.ts';
import { createInstanceReader } from './instance-reader.ts';
import { runKubemci } from './run.ts';

const GCLOUD_TIMEOUT_MS = 15_000;

/** kubemci's fallback for the project: `gcloud config get-value project`, if gcloud is there. */
function gcloudProject(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'gcloud',
      ['config', 'get-value', 'project'],
      { timeout: GCLOUD_TIMEOUT_MS, encoding: 'utf8' },
      (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined),
    );
  });
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const code = await runKubemci(process.argv.slice(2), {
  env: { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readText: (file) => readFileSync(file, 'utf8'),
  version: packageVersion(),
  gcloudProject,
  makeGce: createGceClient,
  makeInstanceReader: createInstanceReader,
  now: Date.now,
});
// Exit now rather than wait for idle keep-alive connections to close.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
