/**
 * The Kubernetes clients of one member cluster and the two idioms every controller here uses:
 * merge patches (client-node sends JSON patches unless told otherwise) and reading an error's
 * HTTP status.
 */
import {
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

/** The typed API groups the simulator uses, all on one kubeconfig. */
export interface KubeClients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
  readonly discovery: DiscoveryV1Api;
}

/** Clients for the cluster of the kubeconfig at `path` (its current context). */
export function kubeClients(path: string): KubeClients {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

/** Per-call options that make a `patch*` method send a JSON merge patch. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The HTTP status of a failed client-node call, if the server answered. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Runs `fn`, treating 404 (already gone) as success. */
export async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
  }
}
