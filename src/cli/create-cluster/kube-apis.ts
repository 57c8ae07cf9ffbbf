/**
 * API clients for one cluster, every request bounded by a timeout so that a server that
 * accepts a connection and never answers cannot hang the command.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  createConfiguration,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';
import type { Endpoint } from './kube-call.ts';

/** The clients this command uses against one cluster. */
export interface KubeApis {
  readonly endpoint: Endpoint;
  readonly core: CoreV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  readonly custom: CustomObjectsApi;
}

/** The User-Agent of our requests, so that audit logs can tell them from kubectl's. */
export const USER_AGENT = 'kubectl-create-cluster';

/**
 * Clients for the current context of `kubeConfig`. Throws the library's Error when the
 * context has no cluster (a resolved kubeconfig selection always has one).
 */
export function makeKubeApis(kubeConfig: KubeConfig, role: Endpoint['role'], timeoutMs: number): KubeApis {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`makeKubeApis: the ${role} kubeconfig has no current cluster`);
  const bounded: Middleware = {
    pre: async (request) => {
      request.setSignal(AbortSignal.timeout(timeoutMs));
      request.setHeaderParam('User-Agent', USER_AGENT);
      return request;
    },
    post: async (response) => response,
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [bounded],
  });
  return {
    endpoint: { role, server: cluster.server },
    core: new CoreV1Api(configuration),
    rbac: new RbacAuthorizationV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
  };
}
