/**
 * Finding and reading kubeconfig files with kubectl's precedence: an explicit `--kubeconfig`
 * file, else every file of `KUBECONFIG` (missing ones skipped, the rest merged), else
 * `~/.kube/config`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  KubeconfigError,
  mergeKubeconfigs,
  parseKubeconfig,
  selectContext,
  type Kubeconfig,
  type KubeconfigCluster,
  type KubeconfigSelection,
} from './kubeconfig.ts';

/** Where to look for kubeconfig files, as kubectl decides it. */
export interface KubeconfigSource {
  /** The `--kubeconfig` flag. When set, only this file is read, and it must exist. */
  readonly explicitPath?: string;
  /** The value of `KUBECONFIG`: paths separated by the platform's delimiter. */
  readonly envValue?: string;
  /** The user's home directory, for `~/.kube/config`. */
  readonly homeDir?: string;
}

/** Reads a file as UTF-8; injected so callers and tests can substitute it. */
export type ReadTextFile = (file: string) => string;

const readText: ReadTextFile = (file) => readFileSync(file, 'utf8');

/**
 * The files to read, in precedence order, and whether they were asked for explicitly (an
 * explicit file must exist; the others are skipped when missing). Pure.
 */
export function kubeconfigPaths(source: KubeconfigSource): { paths: string[]; explicit: boolean } {
  if (source.explicitPath) return { paths: [source.explicitPath], explicit: true };
  if (source.envValue) {
    return { paths: source.envValue.split(path.delimiter).filter((p) => p !== ''), explicit: false };
  }
  if (source.homeDir) return { paths: [path.join(source.homeDir, '.kube', 'config')], explicit: false };
  return { paths: [], explicit: false };
}

/**
 * Reads and merges the kubeconfig files `source` designates. Throws KubeconfigError when an
 * explicit file cannot be read, when any file cannot be parsed, or when no file was found.
 */
export function readKubeconfig(source: KubeconfigSource, readFile: ReadTextFile = readText): Kubeconfig {
  const { paths, explicit } = kubeconfigPaths(source);
  const configs: Kubeconfig[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      if (!explicit && errorCode(err) === 'ENOENT') continue;
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${reason(err)}`, { cause: err });
    }
    configs.push(parseKubeconfig(text, file, path.dirname(path.resolve(file))));
  }
  if (configs.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : 'no KUBECONFIG and no home directory';
    throw new KubeconfigError(`no kubeconfig found (looked in ${where})`);
  }
  return mergeKubeconfigs(configs);
}

/**
 * Reads the kubeconfig files and resolves `contextName` (or the current context). Throws
 * KubeconfigError as readKubeconfig and selectContext do.
 */
export function loadKubeconfigSelection(
  source: KubeconfigSource,
  contextName?: string,
  readFile: ReadTextFile = readText,
): KubeconfigSelection {
  return selectContext(readKubeconfig(source, readFile), contextName);
}

/**
 * The PEM bytes of a cluster's certificate authority, from its file or its inline data;
 * undefined when it has neither (the system's roots apply). Throws KubeconfigError when the
 * file cannot be read or the inline data is not base64.
 */
export function readClusterCa(
  cluster: KubeconfigCluster,
  readFile: (file: string) => Buffer = (f) => readFileSync(f),
): Buffer | undefined {
  if (cluster.certificateAuthority) {
    try {
      return readFile(cluster.certificateAuthority);
    } catch (err) {
      throw new KubeconfigError(
        `cannot read certificate-authority ${cluster.certificateAuthority} of cluster "${cluster.name}": ${reason(err)}`,
        { cause: err },
      );
    }
  }
  if (cluster.certificateAuthorityData) {
    const data = cluster.certificateAuthorityData.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      throw new KubeconfigError(`certificate-authority-data of cluster "${cluster.name}" is not base64`);
    }
    return Buffer.from(data, 'base64');
  }
  return undefined;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function reason(err: unknown): string {
  const code = errorCode(err);
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
