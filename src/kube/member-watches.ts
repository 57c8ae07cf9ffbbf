/**
 * The list-watches a member session runs: Services, Pods or Ingresses of one namespace, perhaps
 * narrowed by a label selector, through {@link watchSource}, with every list bounded in time.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { makeMemberApis } from './member-apis.ts';
import { watchSource, type WatchSource } from './watch-source.ts';

/** One list-watch a session runs: a kind in a namespace, perhaps narrowed by labels. */
export interface MemberWatchSpec {
  readonly kind: 'Service' | 'Pod' | 'Ingress';
  readonly namespace: string;
  readonly labelSelector?: string;
}

/** Starts a list-watch; {@link kubeWatchFactory} runs them against the member. */
export type MemberWatchFactory = (spec: MemberWatchSpec) => WatchSource<KubernetesObject>;

/**
 * The real list-watches of a member: its lists abort after 60 s (a member that accepts a
 * connection and never answers must fail the watch, which is then restarted). Never throws.
 */
export function kubeWatchFactory(kubeConfig: KubeConfig, cluster: string): MemberWatchFactory {
  const apis = makeMemberApis(kubeConfig, { requestTimeoutMs: 60_000 });
  return (spec) => {
    const ns = encodeURIComponent(spec.namespace);
    const labelSelector = spec.labelSelector;
    const options = {
      name: `member/${cluster}/${spec.kind.toLowerCase()}s/${spec.namespace}${labelSelector ? `?${labelSelector}` : ''}`,
      ...(labelSelector !== undefined ? { labelSelector } : {}),
    };
    const request = { namespace: spec.namespace, ...(labelSelector !== undefined ? { labelSelector } : {}) };
    switch (spec.kind) {
      case 'Service':
        return watchSource(
          kubeConfig,
          `/api/v1/namespaces/${ns}/services`,
          () => apis.core.listNamespacedService(request),
          options,
        );
      case 'Pod':
        return watchSource(
          kubeConfig,
          `/api/v1/namespaces/${ns}/pods`,
          () => apis.core.listNamespacedPod(request),
          options,
        );
      case 'Ingress':
        return watchSource(
          kubeConfig,
          `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`,
          () => apis.networking.listNamespacedIngress(request),
          options,
        );
    }
  };
}
