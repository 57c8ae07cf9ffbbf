/**
 * API clients for one cluster, every request bounded by a timeout so that a server that
 * accepts a connection and never answers cannot hang the command.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { boundedConfiguration } from '../../kube/bounded-configuration.ts';
import type { Endpoint } from '../../kube/kube-call.ts';

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
 * Clients for the current context of `kubeConfig`. Throws TypeError when the context has no
 * cluster (a resolved kubeconfig selection always has one).
 */
export function makeKubeApis(kubeConfig: KubeConfig, role: Endpoint['role'], timeoutMs: number): KubeApis {
  const { server, configuration } = boundedConfiguration(
    kubeConfig,
    { userAgent: USER_AGENT, requestTimeoutMs: timeoutMs },
    `makeKubeApis (${role})`,
  );
  return {
    endpoint: { role, server },
    core: new CoreV1Api(configuration),
    rbac: new RbacAuthorizationV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
  };
}
