/**
 * Entry point of the `kubectl create cluster` plugin (bin/kubectl-create-cluster): wires the
 * real process, files, clock and API clients into runCreateCluster and exits with its code.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from './clock.ts';
import { makeKubeApis } from './kube-apis.ts';
import { runCreateCluster } from './run.ts';

const REQUEST_TIMEOUT_MS = 30_000;
const TOKEN_TIMEOUT_MS = 60_000;

const code = await runCreateCluster(process.argv.slice(2), {
  env: { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readText: (file) => readFileSync(file, 'utf8'),
  readBytes: (file) => readFileSync(file),
  clock: systemClock,
  makeApis: (kubeConfig, role) => makeKubeApis(kubeConfig, role, REQUEST_TIMEOUT_MS),
  tokenTimeoutMs: TOKEN_TIMEOUT_MS,
});
// Exit now rather than wait for idle keep-alive connections to close.
process.exit(code);
