/**
 * The member clusters of a command: kubeconfig contexts, as in kubemci (the context name is the
 * cluster's name everywhere). Reads the kubeconfig files kubectl would.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { toClientKubeConfig } from '../../kube/kubeconfig-client.ts';
import { readKubeconfig, type KubeconfigSource, type ReadTextFile } from '../../kube/kubeconfig-files.ts';
import { KubeconfigError, selectContext, type Kubeconfig } from '../../kube/kubeconfig.ts';
import { KubemciError } from './errors.ts';

/** One member cluster: its context name and a client configuration for it. */
export interface Member {
  readonly name: string;
  readonly kubeConfig: KubeConfig;
}

/**
 * Reads the kubeconfig (explicit file, else KUBECONFIG, else ~/.kube/config). Throws KubemciError
 * when it cannot be read or parsed.
 */
export function loadKubeconfig(source: KubeconfigSource, readFile?: ReadTextFile): Kubeconfig {
  try {
    return readKubeconfig(source, readFile);
  } catch (err) {
    if (err instanceof KubeconfigError) throw new KubemciError(err.message, { cause: err });
    throw err;
  }
}

/**
 * The members named by `contexts` (every context of the kubeconfig when empty, in its order).
 * Throws KubemciError naming every context that is missing or unusable, and when there is none.
 */
export function resolveMembers(config: Kubeconfig, contexts: readonly string[]): Member[] {
  const names = contexts.length > 0 ? contexts : config.contexts.map((c) => c.name);
  if (names.length === 0) throw new KubemciError('the kubeconfig has no contexts: no clusters to work on');
  const members: Member[] = [];
  const problems: string[] = [];
  for (const name of names) {
    try {
      members.push({ name, kubeConfig: toClientKubeConfig(selectContext(config, name)) });
    } catch (err) {
      if (!(err instanceof KubeconfigError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new KubemciError(problems.join('; '));
  return members;
}
