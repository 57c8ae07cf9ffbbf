/**
 * The client configuration behind every API client we make: the current cluster of a KubeConfig,
 * its authentication, our User-Agent (so audit logs tell our requests from kubectl's), and a bound
 * on every request, so that a server that accepts a connection and never answers cannot hang a
 * command or a reconcile.
 */
import {
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';

/** What every request made through the configuration carries and is bounded by. */
export interface RequestBounds {
  /** The User-Agent header of every request. */
  readonly userAgent: string;
  /** Each request is aborted after this long. */
  readonly requestTimeoutMs?: number;
  /** Every request is aborted when this fires (a call's deadline). */
  readonly signal?: AbortSignal;
}

/** A configuration for the API clients of one cluster, and that cluster's server URL. */
export interface BoundedConfiguration {
  readonly server: string;
  readonly configuration: Configuration;
}

/**
 * The configuration for the current context of `kubeConfig`, every request bounded by `bounds`.
 * Throws TypeError, naming `caller`, when the KubeConfig has no current cluster (a resolved
 * kubeconfig selection always has one).
 */
export function boundedConfiguration(
  kubeConfig: KubeConfig,
  bounds: RequestBounds,
  caller: string,
): BoundedConfiguration {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new TypeError(`${caller}: the KubeConfig has no current cluster`);
  const bounded: Middleware = {
    pre: async (request) => {
      const signals = [
        ...(bounds.requestTimeoutMs !== undefined ? [AbortSignal.timeout(bounds.requestTimeoutMs)] : []),
        ...(bounds.signal ? [bounds.signal] : []),
      ];
      if (signals.length > 0)
        request.setSignal(signals.length === 1 ? signals[0]! : AbortSignal.any(signals));
      request.setHeaderParam('User-Agent', bounds.userAgent);
      return request;
    },
    post: async (response) => response,
  };
  return {
    server: cluster.server,
    configuration: createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [bounded],
    }),
  };
}
