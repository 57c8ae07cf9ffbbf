/**
 * Removing what a load balancer no longer needs in one member: its ownership of derived Services
 * of Services it stopped using (the Service goes when no other owner is left), and its Ingress
 * copy when it is not in `instance-group` mode. Runs only after GCE no longer references the
 * member's groups (DESIGN §7: detach first, then let GKE delete its NEGs and instance groups).
 * Only objects of our instance are touched.
 */
import { makeMemberApis, MemberCallError } from '../../kube/member-apis.ts';
import { DERIVED_FROM_LABEL, parseOwners } from '../../kube/member-derived-service.ts';
import { deleteIngressCopy, releaseDerivedService } from '../../kube/member-objects.ts';
import { isOwnedByInstance, MANAGED_SELECTOR } from '../../kube/member-ownership.ts';
import type { MemberChange } from './gather.ts';
import type { Member } from './members.ts';

/** What the load balancer still uses in the member. */
export interface MemberKeep {
  /** User Services whose derived Service it still owns (`neg` mode). */
  readonly services: ReadonlySet<string>;
  /** Whether its Ingress copy stays (`instance-group` mode). */
  readonly copy: boolean;
}

/**
 * Releases the load balancer `lbName` of `namespace` from everything in `member` it does not
 * keep. Resolves with what changed; rejects with MemberCallError naming the cluster.
 */
export async function cleanupMember(
  member: Member,
  args: {
    readonly instanceId: string;
    readonly namespace: string;
    readonly lbName: string;
    readonly keep: MemberKeep;
  },
): Promise<MemberChange[]> {
  const { instanceId, namespace, lbName } = args;
  const target = { cluster: member.name, kubeConfig: member.kubeConfig };
  const apis = makeMemberApis(member.kubeConfig, { requestTimeoutMs: 15_000 });
  let services;
  try {
    services = await apis.core.listNamespacedService({ namespace, labelSelector: MANAGED_SELECTOR });
  } catch (err) {
    throw new MemberCallError(member.name, `list our Services in namespace ${namespace}`, err);
  }
  const changes: MemberChange[] = [];
  for (const service of services.items) {
    if (!isOwnedByInstance(service, instanceId)) continue;
    const source = service.metadata?.labels?.[DERIVED_FROM_LABEL];
    const owners = parseOwners(service);
    if (source === undefined || owners === undefined || !(lbName in owners)) continue;
    if (args.keep.services.has(source)) continue;
    const result = await releaseDerivedService(target, {
      instanceId,
      namespace,
      service: source,
      ingress: lbName,
    });
    if (result.outcome !== 'unchanged') {
      changes.push({
        cluster: member.name,
        description: `Service ${namespace}/${result.name} ${result.outcome}`,
      });
    }
  }
  if (!args.keep.copy) {
    const result = await deleteIngressCopy(target, { instanceId, namespace, name: lbName });
    if (result.outcome !== 'unchanged') {
      changes.push({
        cluster: member.name,
        description: `Ingress ${namespace}/${result.name} ${result.outcome}`,
      });
    }
  }
  return changes;
}
