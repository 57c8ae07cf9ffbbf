/**
 * The controller's identity in a member cluster: a namespace, a ServiceAccount, the
 * kubemci-member ClusterRole bound to it, and a long-lived token Secret for it. These are the
 * objects of config/member/ (a unit test keeps the two equal). Pure.
 */
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Namespace,
  V1PolicyRule,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';

/** The member namespace holding the controller's ServiceAccount and its token. */
export const MEMBER_NAMESPACE = 'kubemci-system';
/** The controller's ServiceAccount in every member. */
export const MEMBER_SERVICE_ACCOUNT = 'kubemci-controller';
/** The ClusterRole that says what the controller may do in a member. */
export const MEMBER_CLUSTER_ROLE = 'kubemci-member';
/** The binding of MEMBER_CLUSTER_ROLE to MEMBER_SERVICE_ACCOUNT. */
export const MEMBER_CLUSTER_ROLE_BINDING = 'kubemci-controller';
/** The service-account-token Secret the token controller fills with a long-lived token. */
export const MEMBER_TOKEN_SECRET = 'kubemci-controller-token';

const PART_OF = { 'app.kubernetes.io/part-of': 'kubemci' };

/**
 * What the controller needs in a member: read Services, Pods, EndpointSlices and Nodes;
 * write the Services it derives (neg mode) and the Ingresses it copies (instance-group mode).
 * Never Secrets.
 */
export const MEMBER_RULES: readonly V1PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['services'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
];

/** The member namespace. */
export function memberNamespace(): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: MEMBER_NAMESPACE, labels: { ...PART_OF } },
  };
}

/** The kubemci-member ClusterRole. */
export function memberClusterRole(): V1ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: MEMBER_CLUSTER_ROLE, labels: { ...PART_OF } },
    rules: MEMBER_RULES.map((r) => ({ ...r })),
  };
}

/** The controller's ServiceAccount. */
export function memberServiceAccount(): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: MEMBER_SERVICE_ACCOUNT, namespace: MEMBER_NAMESPACE, labels: { ...PART_OF } },
  };
}

/** The binding of the ClusterRole to the ServiceAccount. */
export function memberClusterRoleBinding(): V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: MEMBER_CLUSTER_ROLE_BINDING, labels: { ...PART_OF } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: MEMBER_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: MEMBER_SERVICE_ACCOUNT, namespace: MEMBER_NAMESPACE }],
  };
}

/** The token Secret: empty, typed and annotated so that the token controller fills it. */
export function memberTokenSecret(): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: MEMBER_TOKEN_SECRET,
      namespace: MEMBER_NAMESPACE,
      labels: { ...PART_OF },
      annotations: { 'kubernetes.io/service-account.name': MEMBER_SERVICE_ACCOUNT },
    },
    type: 'kubernetes.io/service-account-token',
  };
}

/** True when `rules` grant exactly MEMBER_RULES (order of rules, verbs and resources ignored). */
export function hasMemberRules(rules: readonly V1PolicyRule[] | undefined): boolean {
  const key = (r: V1PolicyRule): string =>
    JSON.stringify([
      [...(r.apiGroups ?? [])].sort(),
      [...(r.resources ?? [])].sort(),
      [...(r.verbs ?? [])].sort(),
      [...(r.resourceNames ?? [])].sort(),
      [...(r.nonResourceURLs ?? [])].sort(),
    ]);
  const want = MEMBER_RULES.map(key).sort();
  const got = (rules ?? []).map(key).sort();
  return JSON.stringify(want) === JSON.stringify(got);
}
