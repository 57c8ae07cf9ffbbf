/**
 * The reads the CLI makes in a member besides the session's watches: a reachability probe, the
 * TLS Secrets (kubemci read them from a cluster too), and the nodes' provider IDs for finding
 * their network tags. Every call has a deadline and fails with a MemberCallError naming the
 * cluster.
 */
import { apiStatusCode, makeMemberApis, MemberCallError } from '../../kube/member-apis.ts';
import type { SecretData } from '../../model/translate.ts';
import type { Member } from './members.ts';

/** How long one read may take. */
const READ_TIMEOUT_MS = 15_000;

/**
 * Lists one Service of `namespace`: proves the member answers and lets us read there. Rejects
 * with MemberCallError (connection refused, TLS, 401/403, deadline).
 */
export async function probeMember(member: Member, namespace: string): Promise<void> {
  const apis = makeMemberApis(member.kubeConfig, { requestTimeoutMs: READ_TIMEOUT_MS });
  try {
    await apis.core.listNamespacedService({ namespace, limit: 1 });
  } catch (err) {
    throw new MemberCallError(member.name, `list Services in namespace ${namespace}`, err);
  }
}

/**
 * The TLS Secrets `names` of `namespace`, decoded; a Secret that does not exist is absent (translate
 * reports it). Rejects with MemberCallError on any other failure.
 */
export async function readSecrets(
  member: Member,
  namespace: string,
  names: readonly string[],
): Promise<Record<string, SecretData | undefined>> {
  const apis = makeMemberApis(member.kubeConfig, { requestTimeoutMs: READ_TIMEOUT_MS });
  const out: Record<string, SecretData | undefined> = {};
  for (const name of names) {
    try {
      const secret = await apis.core.readNamespacedSecret({ namespace, name });
      out[name] = Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      );
    } catch (err) {
      if (apiStatusCode(err) === 404) continue;
      throw new MemberCallError(member.name, `read Secret ${namespace}/${name}`, err);
    }
  }
  return out;
}

/** A node as the tag discovery needs it. */
export interface NodeRef {
  readonly name: string;
  /** `gce://PROJECT/ZONE/INSTANCE` on GCE; undefined elsewhere. */
  readonly providerId?: string;
  readonly zone?: string;
}

/** The member's nodes (names, provider IDs, zones), sorted by name. Rejects with MemberCallError. */
export async function listNodes(member: Member): Promise<NodeRef[]> {
  const apis = makeMemberApis(member.kubeConfig, { requestTimeoutMs: READ_TIMEOUT_MS });
  try {
    const list = await apis.core.listNode({});
    return list.items
      .map((n) => ({
        name: n.metadata?.name ?? '',
        ...(n.spec?.providerID ? { providerId: n.spec.providerID } : {}),
        ...(n.metadata?.labels?.['topology.kubernetes.io/zone']
          ? { zone: n.metadata.labels['topology.kubernetes.io/zone'] }
          : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    throw new MemberCallError(member.name, 'list Nodes', err);
  }
}
