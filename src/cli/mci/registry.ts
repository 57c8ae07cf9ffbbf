/**
 * The registry cluster as the commands read and change it: Ingresses, their Events and TLS
 * Secrets, Clusters and their credential Secrets, and the kube-system namespace UID. Every
 * failure is a one-line KubeCallError saying what could not be done and why: the server's own
 * message, which for a 403 names the verb, resource and namespace the user lacks.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
  type V1Ingress,
  type V1Secret,
} from '@kubernetes/client-node';
import { boundedConfiguration } from '../../kube/bounded-configuration.ts';
import { kubeCall, kubeRead, type Endpoint } from '../../kube/kube-call.ts';
import { CLUSTER_API } from '../../model/cluster.ts';
import type { ClusterObject } from '../../pipeline/types.ts';

/** The User-Agent of our requests, so that audit logs tell them from kubectl's. */
export const USER_AGENT = 'kubectl-mci';

/** What the commands do with the registry. Every method rejects with a one-line KubeCallError. */
export interface Registry {
  readonly endpoint: Endpoint;
  /** Ingresses of a namespace, or of every namespace when `namespace` is undefined. */
  listIngresses(namespace: string | undefined): Promise<V1Ingress[]>;
  /** One Ingress; undefined when it does not exist. */
  getIngress(namespace: string, name: string): Promise<V1Ingress | undefined>;
  /** The Events whose involved object is this Ingress. */
  listIngressEvents(namespace: string, name: string): Promise<CoreV1Event[]>;
  /** A Secret; undefined when it does not exist. */
  getSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** One Cluster; undefined when it does not exist. */
  getCluster(namespace: string, name: string): Promise<ClusterObject | undefined>;
  /** The Clusters of one namespace. */
  listClusters(namespace: string): Promise<ClusterObject[]>;
  /** Sets (a string) or removes (null) one annotation of a Cluster, by merge patch. */
  annotateCluster(namespace: string, name: string, key: string, value: string | null): Promise<ClusterObject>;
  /** The UID of a namespace; undefined when it does not exist. */
  namespaceUid(name: string): Promise<string | undefined>;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * The registry behind the current context of `kubeConfig`, every request aborted after
 * `timeoutMs`. Throws TypeError when the KubeConfig has no current cluster.
 */
export function connectRegistry(kubeConfig: KubeConfig, timeoutMs: number): Registry {
  const { server, configuration } = boundedConfiguration(
    kubeConfig,
    { userAgent: USER_AGENT, requestTimeoutMs: timeoutMs },
    'connectRegistry',
  );
  const core = new CoreV1Api(configuration);
  const networking = new NetworkingV1Api(configuration);
  const custom = new CustomObjectsApi(configuration);
  const endpoint: Endpoint = { role: 'registry', server };
  const { group, version, plural } = CLUSTER_API;
  const inNamespace = (ns: string | undefined) =>
    ns === undefined ? 'in any namespace' : `in namespace ${ns}`;

  return {
    endpoint,
    async listIngresses(namespace) {
      const list = await kubeCall(endpoint, `list ingresses ${inNamespace(namespace)}`, () =>
        namespace === undefined
          ? networking.listIngressForAllNamespaces()
          : networking.listNamespacedIngress({ namespace }),
      );
      return list.items;
    },
    getIngress: (namespace, name) =>
      kubeRead(endpoint, `get ingress ${namespace}/${name}`, () =>
        networking.readNamespacedIngress({ namespace, name }),
      ),
    async listIngressEvents(namespace, name) {
      const list = await kubeCall(endpoint, `list events in namespace ${namespace}`, () =>
        core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.kind=Ingress,involvedObject.name=${name}`,
        }),
      );
      return list.items;
    },
    getSecret: (namespace, name) =>
      kubeRead(endpoint, `get secret ${namespace}/${name}`, () =>
        core.readNamespacedSecret({ namespace, name }),
      ),
    getCluster: (namespace, name) =>
      kubeRead(
        endpoint,
        `get ${plural}.${group} ${namespace}/${name}`,
        () =>
          custom.getNamespacedCustomObject({
            group,
            version,
            plural,
            namespace,
            name,
          }) as Promise<ClusterObject>,
      ),
    async listClusters(namespace) {
      const list = await kubeCall(
        endpoint,
        `list ${plural}.${group} in namespace ${namespace}`,
        () =>
          custom.listNamespacedCustomObject({ group, version, plural, namespace }) as Promise<{
            items?: ClusterObject[];
          }>,
      );
      return list.items ?? [];
    },
    annotateCluster: (namespace, name, key, value) =>
      kubeCall(
        endpoint,
        `annotate ${plural}.${group} ${namespace}/${name}`,
        () =>
          custom.patchNamespacedCustomObject(
            {
              group,
              version,
              plural,
              namespace,
              name,
              body: { metadata: { annotations: { [key]: value } } },
            },
            mergePatch,
          ) as Promise<ClusterObject>,
      ),
    async namespaceUid(name) {
      const ns = await kubeRead(endpoint, `get namespace ${name}`, () => core.readNamespace({ name }));
      return ns?.metadata?.uid;
    },
  };
}
