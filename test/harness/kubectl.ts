/**
 * Running real kubectl (and the plugin through it) against the e2e clusters, and applying
 * registry-crds/ to a registry. Shared by the registry-crds and create-cluster suites.
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The machine's kubectl (a gcloud dispatcher, client 1.32), to show the plugin needs only kubectl >= 1.31. */
export const SYSTEM_KUBECTL = '/usr/bin/kubectl';

/** What a kubectl run printed and how it ended. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment kubectl runs in: the plugin's bin/ and this Node.js first on PATH, no
 * KUBECONFIG unless given.
 */
export function kubectlEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KUBECONFIG;
  delete env.KUBEMCI_NODE;
  env.PATH = [join(REPO, 'bin'), dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':');
  return { ...env, ...extra };
}

/** Runs `kubectl args…` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function kubectl(
  binary: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<KubectlResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      binary,
      args,
      { env: kubectlEnv(options.env), cwd: REPO, timeout: 120_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolvePromise({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs kubectl and fails with its stderr unless it exits 0; resolves with stdout. */
export async function kubectlOk(
  binary: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<string> {
  const r = await kubectl(binary, args, options);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Applies registry-crds/ to the cluster of `kubeconfig` and waits until the Cluster CRD is
 * Established. Idempotent, so every suite that needs the CRD may call it.
 */
export async function applyRegistryCrds(binary: string, kubeconfig: string): Promise<void> {
  await kubectlOk(binary, ['apply', '-f', join(REPO, 'registry-crds'), '--kubeconfig', kubeconfig]);
  await kubectlOk(binary, [
    'wait',
    '--for=condition=Established',
    'crd/clusters.clusterregistry.k8s.io',
    '--timeout=60s',
    '--kubeconfig',
    kubeconfig,
  ]);
}

let counter = 0;

/** A name no other test in this run uses: `<prefix>-<pid>-<n>`, a DNS label. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}`;
}
