/**
 * Registers a cluster: checks the registry first (the Cluster API is served, the Cluster does
 * not exist yet, the credential Secret is where it should be), makes the controller's access
 * in the member when asked to, then writes the credentials Secret and the Cluster beside it.
 * Any failure unwinds what this run created, in the registry and in the member, so a failed
 * run leaves nothing behind.
 */
import type { CoreV1Api, CustomObjectsApi, V1Secret } from '@kubernetes/client-node';
import { apiStatus } from '../../kube/api-failure.ts';
import { KubeCallError, kubeCall, kubeRead, toKubeCallError, type Endpoint } from '../../kube/kube-call.ts';
import { oneLine } from '../shared/errors.ts';
import type { Clock } from './clock.ts';
import { CreateClusterError } from './errors.ts';
import {
  CLUSTER_API,
  CLUSTER_RESOURCE,
  clusterOwnerReference,
  credentialsSecretName,
  toCredentialsSecret,
  type ClusterManifest,
} from './manifests.ts';
import { checkToken, ensureMemberAccess, type MemberApis, type TokenProbe } from './member-access.ts';
import { Rollback } from './rollback.ts';

/** The registry API calls this module makes. */
export interface RegistryApis {
  readonly endpoint: Endpoint;
  readonly core: Pick<
    CoreV1Api,
    | 'readNamespace'
    | 'createNamespace'
    | 'deleteNamespace'
    | 'readNamespacedSecret'
    | 'createNamespacedSecret'
    | 'replaceNamespacedSecret'
    | 'deleteNamespacedSecret'
  >;
  readonly custom: Pick<
    CustomObjectsApi,
    'getNamespacedCustomObject' | 'createNamespacedCustomObject' | 'deleteNamespacedCustomObject'
  >;
}

/** Where the controller's credentials for the member come from. */
export type CredentialsSource =
  /** None: the Cluster is only an inventory record (or credentials are added later). */
  | { readonly kind: 'none' }
  /** A Secret the user made, beside the Cluster; it must exist. */
  | { readonly kind: 'existing-secret'; readonly name: string }
  /** A ServiceAccount this run makes in the member; its token goes to `<name>-credentials`. */
  | {
      readonly kind: 'member-token';
      readonly member: MemberApis;
      /** A client for the member authenticated with `token`, to check the token works. */
      readonly probe: (token: string) => TokenProbe;
      readonly caPem?: Buffer;
    };

/** Effects and limits for registerCluster. */
export interface RegisterDeps {
  readonly registry: RegistryApis;
  readonly clock: Clock;
  /** How long to wait for the member's token controller, and again for the token to be accepted. */
  readonly tokenTimeoutMs: number;
}

/**
 * Creates `cluster` in the registry, with its credentials. Returns the Cluster as the
 * registry stored it. Throws CreateClusterError (or KubeCallError, for a failed call) with a
 * one-line message when the Cluster API is not served, the Cluster already exists, the
 * credential Secret is missing (existing-secret) or already exists (member-token), or a call
 * fails; before throwing it removes every object this run created, and names in the message
 * any it could not remove.
 */
export async function registerCluster(
  cluster: ClusterManifest,
  credentials: CredentialsSource,
  deps: RegisterDeps,
): Promise<ClusterManifest> {
  const { registry } = deps;
  const { name, namespace } = cluster.metadata;
  const rollback = new Rollback();
  try {
    await checkClusterAbsent(registry, namespace, name);
    if (credentials.kind === 'existing-secret') {
      const found = await readSecret(registry, namespace, credentials.name);
      if (!found) {
        throw new CreateClusterError(
          `secret "${credentials.name}" (--credentials-secret) not found in namespace "${namespace}" of the registry`,
        );
      }
    }
    let secret: V1Secret | undefined;
    if (credentials.kind === 'member-token') {
      const secretName = credentialsSecretName(name);
      if (await readSecret(registry, namespace, secretName)) {
        throw new CreateClusterError(
          `secret "${secretName}" already exists in namespace "${namespace}" of the registry; remove it or choose another cluster name`,
        );
      }
      const token = await ensureMemberAccess(credentials.member, rollback, deps.clock, {
        tokenMs: deps.tokenTimeoutMs,
      });
      await checkToken(
        credentials.probe(token),
        credentials.member.endpoint,
        deps.clock,
        deps.tokenTimeoutMs,
      );
      await ensureNamespace(registry, namespace, rollback);
      secret = await createSecret(
        registry,
        toCredentialsSecret({
          clusterName: name,
          namespace,
          token,
          ...(credentials.caPem ? { caPem: credentials.caPem } : {}),
        }),
        rollback,
      );
    } else {
      await ensureNamespace(registry, namespace, rollback);
    }
    const created = (await kubeCall(
      registry.endpoint,
      `create ${CLUSTER_RESOURCE} ${namespace}/${name}`,
      () => registry.custom.createNamespacedCustomObject({ ...CLUSTER_API, namespace, body: cluster }),
    )) as ClusterManifest;
    rollback.add(`registry ${CLUSTER_RESOURCE} ${namespace}/${name}`, () =>
      registry.custom.deleteNamespacedCustomObject({ ...CLUSTER_API, namespace, name }),
    );
    if (secret) {
      // Owned by the Cluster, the Secret goes when the Cluster is deleted.
      const owned: V1Secret = {
        ...secret,
        metadata: { ...secret.metadata, ownerReferences: [clusterOwnerReference(created)] },
      };
      await kubeCall(registry.endpoint, `update secret ${namespace}/${secret.metadata?.name}`, () =>
        registry.core.replaceNamespacedSecret({ name: secret.metadata?.name ?? '', namespace, body: owned }),
      );
    }
    return created;
  } catch (err) {
    const left = await rollback.unwind();
    if (left.length === 0) throw err;
    const message = `${oneLine(err)}; could not remove what this run created: ${left.join('; ')}`;
    throw new CreateClusterError(message, { cause: err });
  }
}

/**
 * Fails when the Cluster exists, and tells a missing Cluster (a NotFound naming it) from a
 * registry that does not serve the Cluster API at all (a NotFound for the resource).
 */
async function checkClusterAbsent(registry: RegistryApis, namespace: string, name: string): Promise<void> {
  const action = `read ${CLUSTER_RESOURCE} ${namespace}/${name}`;
  try {
    await registry.custom.getNamespacedCustomObject({ ...CLUSTER_API, namespace, name });
  } catch (err) {
    const status = apiStatus(err);
    if (status?.code === 404) {
      if (status.details?.name === name) return;
      throw new CreateClusterError(
        `the registry does not serve ${CLUSTER_API.plural}.${CLUSTER_API.group}/${CLUSTER_API.version}: apply registry-crds/ to it first`,
        { cause: err },
      );
    }
    throw toKubeCallError(registry.endpoint, action, err);
  }
  throw new CreateClusterError(
    `${CLUSTER_API.plural}.${CLUSTER_API.group} "${name}" already exists in namespace "${namespace}" of the registry`,
  );
}

async function readSecret(
  registry: RegistryApis,
  namespace: string,
  name: string,
): Promise<V1Secret | undefined> {
  return kubeRead(registry.endpoint, `read secret ${namespace}/${name}`, () =>
    registry.core.readNamespacedSecret({ name, namespace }),
  );
}

async function ensureNamespace(registry: RegistryApis, name: string, rollback: Rollback): Promise<void> {
  let existing;
  try {
    existing = await kubeRead(registry.endpoint, `read namespace ${name}`, () =>
      registry.core.readNamespace({ name }),
    );
  } catch (err) {
    // A user with only namespaced rights cannot read namespaces; the create of the Cluster
    // will say so if the namespace is really missing.
    if (err instanceof KubeCallError && err.status === 403) return;
    throw err;
  }
  if (existing) return;
  try {
    await kubeCall(registry.endpoint, `create namespace ${name}`, () =>
      registry.core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }),
    );
  } catch (err) {
    if (err instanceof KubeCallError && err.status === 409) return;
    throw err;
  }
  rollback.add(`registry namespace ${name}`, () => registry.core.deleteNamespace({ name }));
}

async function createSecret(registry: RegistryApis, body: V1Secret, rollback: Rollback): Promise<V1Secret> {
  const namespace = body.metadata?.namespace ?? '';
  const name = body.metadata?.name ?? '';
  const created = await kubeCall(registry.endpoint, `create secret ${namespace}/${name}`, () =>
    registry.core.createNamespacedSecret({ namespace, body }),
  );
  rollback.add(`registry secret ${namespace}/${name}`, () =>
    registry.core.deleteNamespacedSecret({ name, namespace }),
  );
  return created;
}
