/**
 * Gives the controller its own access to a member cluster, using the user's access once:
 * ensures the namespace, the kubemci-member ClusterRole, the ServiceAccount, the binding and a
 * service-account-token Secret, waits for the token controller to fill the Secret, and checks
 * that the token works. Objects that already exist are reused (several registries, or a
 * re-registration, share one ServiceAccount); objects this run creates are registered for
 * rollback.
 */
import type { CoreV1Api, RbacAuthorizationV1Api, V1Secret } from '@kubernetes/client-node';
import { KubeCallError, kubeCall, kubeRead, type Endpoint } from '../../kube/kube-call.ts';
import type { Clock } from './clock.ts';
import { CreateClusterError } from './errors.ts';
import {
  MEMBER_CLUSTER_ROLE,
  MEMBER_CLUSTER_ROLE_BINDING,
  MEMBER_NAMESPACE,
  MEMBER_SERVICE_ACCOUNT,
  MEMBER_TOKEN_SECRET,
  hasMemberRules,
  memberClusterRole,
  memberClusterRoleBinding,
  memberNamespace,
  memberServiceAccount,
  memberTokenSecret,
} from './member-rbac.ts';
import type { Rollback } from './rollback.ts';

/** The member API calls this module makes, with the user's access. */
export interface MemberApis {
  readonly endpoint: Endpoint;
  readonly core: Pick<
    CoreV1Api,
    | 'readNamespace'
    | 'createNamespace'
    | 'deleteNamespace'
    | 'readNamespacedServiceAccount'
    | 'createNamespacedServiceAccount'
    | 'deleteNamespacedServiceAccount'
    | 'readNamespacedSecret'
    | 'createNamespacedSecret'
    | 'deleteNamespacedSecret'
  >;
  readonly rbac: Pick<
    RbacAuthorizationV1Api,
    | 'readClusterRole'
    | 'createClusterRole'
    | 'replaceClusterRole'
    | 'deleteClusterRole'
    | 'readClusterRoleBinding'
    | 'createClusterRoleBinding'
    | 'replaceClusterRoleBinding'
    | 'deleteClusterRoleBinding'
  >;
}

/** A client authenticated with the new token, for checking it. */
export type TokenProbe = Pick<CoreV1Api, 'listServiceForAllNamespaces'>;

/** How long to wait for the token controller and for RBAC to admit the new token. */
export interface MemberAccessTimeouts {
  readonly tokenMs: number;
}

/**
 * Ensures the controller's access objects in the member and returns the ServiceAccount's
 * token. Throws KubeCallError when a call fails, CreateClusterError when an existing object
 * is not ours to reuse or the token does not appear within `timeouts.tokenMs`.
 */
export async function ensureMemberAccess(
  apis: MemberApis,
  rollback: Rollback,
  clock: Clock,
  timeouts: MemberAccessTimeouts,
): Promise<string> {
  const { core, rbac, endpoint } = apis;
  const ns = MEMBER_NAMESPACE;

  await ensure(endpoint, rollback, `namespace ${ns}`, {
    read: () => core.readNamespace({ name: ns }),
    create: () => core.createNamespace({ body: memberNamespace() }),
    remove: () => core.deleteNamespace({ name: ns }),
  });

  const role = await ensure(endpoint, rollback, `clusterrole ${MEMBER_CLUSTER_ROLE}`, {
    read: () => rbac.readClusterRole({ name: MEMBER_CLUSTER_ROLE }),
    create: () => rbac.createClusterRole({ body: memberClusterRole() }),
    remove: () => rbac.deleteClusterRole({ name: MEMBER_CLUSTER_ROLE }),
  });
  if (!role.created && !hasMemberRules(role.object.rules)) {
    // An older or hand-edited role: bring it to the rules this version of the controller needs.
    await kubeCall(endpoint, `update clusterrole ${MEMBER_CLUSTER_ROLE}`, () =>
      rbac.replaceClusterRole({
        name: MEMBER_CLUSTER_ROLE,
        body: { ...role.object, rules: memberClusterRole().rules ?? [] },
      }),
    );
  }

  await ensure(endpoint, rollback, `serviceaccount ${ns}/${MEMBER_SERVICE_ACCOUNT}`, {
    read: () => core.readNamespacedServiceAccount({ name: MEMBER_SERVICE_ACCOUNT, namespace: ns }),
    create: () => core.createNamespacedServiceAccount({ namespace: ns, body: memberServiceAccount() }),
    remove: () => core.deleteNamespacedServiceAccount({ name: MEMBER_SERVICE_ACCOUNT, namespace: ns }),
  });

  const binding = await ensure(endpoint, rollback, `clusterrolebinding ${MEMBER_CLUSTER_ROLE_BINDING}`, {
    read: () => rbac.readClusterRoleBinding({ name: MEMBER_CLUSTER_ROLE_BINDING }),
    create: () => rbac.createClusterRoleBinding({ body: memberClusterRoleBinding() }),
    remove: () => rbac.deleteClusterRoleBinding({ name: MEMBER_CLUSTER_ROLE_BINDING }),
  });
  if (!binding.created) {
    const ref = binding.object.roleRef;
    if (ref.kind !== 'ClusterRole' || ref.name !== MEMBER_CLUSTER_ROLE) {
      throw new CreateClusterError(
        `member: clusterrolebinding ${MEMBER_CLUSTER_ROLE_BINDING} exists but binds ${ref.kind} ${ref.name}, not ClusterRole ${MEMBER_CLUSTER_ROLE}; remove it and retry`,
      );
    }
    const subjects = binding.object.subjects ?? [];
    const bound = subjects.some(
      (s) => s.kind === 'ServiceAccount' && s.name === MEMBER_SERVICE_ACCOUNT && s.namespace === ns,
    );
    if (!bound) {
      const wanted = memberClusterRoleBinding().subjects ?? [];
      await kubeCall(endpoint, `update clusterrolebinding ${MEMBER_CLUSTER_ROLE_BINDING}`, () =>
        rbac.replaceClusterRoleBinding({
          name: MEMBER_CLUSTER_ROLE_BINDING,
          body: { ...binding.object, subjects: [...subjects, ...wanted] },
        }),
      );
    }
  }

  const secret = await ensure(endpoint, rollback, `secret ${ns}/${MEMBER_TOKEN_SECRET}`, {
    read: () => core.readNamespacedSecret({ name: MEMBER_TOKEN_SECRET, namespace: ns }),
    create: () => core.createNamespacedSecret({ namespace: ns, body: memberTokenSecret() }),
    remove: () => core.deleteNamespacedSecret({ name: MEMBER_TOKEN_SECRET, namespace: ns }),
  });
  if (!secret.created && !isOurTokenSecret(secret.object)) {
    throw new CreateClusterError(
      `member: secret ${ns}/${MEMBER_TOKEN_SECRET} exists but is not a token for serviceaccount ${MEMBER_SERVICE_ACCOUNT}; remove it and retry`,
    );
  }
  return waitForToken(apis, clock, timeouts.tokenMs, secret.object);
}

/**
 * Waits until a request made with the new token is authenticated and authorized (listing
 * Services, which the controller needs first). The member's authenticator and RBAC caches can
 * lag a just-created token or binding by a moment, so 401 and 403 are retried until
 * `timeoutMs`; any other failure (TLS, network) is final. Throws KubeCallError.
 */
export async function checkToken(
  probe: TokenProbe,
  endpoint: Endpoint,
  clock: Clock,
  timeoutMs: number,
): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      await kubeCall(
        endpoint,
        `list services with the new token of serviceaccount ${MEMBER_NAMESPACE}/${MEMBER_SERVICE_ACCOUNT}`,
        () => probe.listServiceForAllNamespaces({ limit: 1 }),
      );
      return;
    } catch (err) {
      const retryable = err instanceof KubeCallError && (err.status === 401 || err.status === 403);
      if (!retryable || clock.now() >= deadline) throw err;
    }
    await clock.sleep(delay);
  }
}

async function waitForToken(
  apis: MemberApis,
  clock: Clock,
  timeoutMs: number,
  first: V1Secret,
): Promise<string> {
  const deadline = clock.now() + timeoutMs;
  let secret = first;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const token = secret.data?.token;
    if (token) return Buffer.from(token, 'base64').toString('utf8');
    if (clock.now() >= deadline) {
      throw new CreateClusterError(
        `member: secret ${MEMBER_NAMESPACE}/${MEMBER_TOKEN_SECRET} got no token within ${Math.round(timeoutMs / 1000)} s: does the member's kube-controller-manager run the serviceaccount-token controller?`,
      );
    }
    await clock.sleep(delay);
    secret = await kubeCall(apis.endpoint, `read secret ${MEMBER_NAMESPACE}/${MEMBER_TOKEN_SECRET}`, () =>
      apis.core.readNamespacedSecret({ name: MEMBER_TOKEN_SECRET, namespace: MEMBER_NAMESPACE }),
    );
  }
}

function isOurTokenSecret(secret: V1Secret): boolean {
  return (
    secret.type === 'kubernetes.io/service-account-token' &&
    secret.metadata?.annotations?.['kubernetes.io/service-account.name'] === MEMBER_SERVICE_ACCOUNT
  );
}

/**
 * Reads an object, creating it when it is missing (and registering its removal), or reusing
 * it when it exists or appears concurrently (409).
 */
async function ensure<T>(
  endpoint: Endpoint,
  rollback: Rollback,
  what: string,
  ops: { read: () => Promise<T>; create: () => Promise<T>; remove: () => Promise<unknown> },
): Promise<{ object: T; created: boolean }> {
  const existing = await kubeRead(endpoint, `read ${what}`, ops.read);
  if (existing !== undefined) return { object: existing, created: false };
  try {
    const object = await kubeCall(endpoint, `create ${what}`, ops.create);
    rollback.add(`${endpoint.role} ${what}`, ops.remove);
    return { object, created: true };
  } catch (err) {
    if (!(err instanceof KubeCallError) || err.status !== 409) throw err;
    return { object: await kubeCall(endpoint, `read ${what}`, ops.read), created: false };
  }
}
