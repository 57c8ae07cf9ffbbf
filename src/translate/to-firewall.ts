import type { DesiredResource } from '../model/gce.ts';
import { networkUrl } from '../model/gce-urls.ts';
import type { TranslateWarning } from '../model/translate.ts';
import { firewallName } from '../naming/gce-names.ts';
import type { IngressIdentity } from '../naming/gce-names.ts';
import { ownershipDescription } from '../naming/ownership.ts';
import type { MemberView } from './resolve-backends.ts';
import type { ProblemCollector } from './problems.ts';

/** What the firewall rules are built from. */
export interface FirewallInput {
  readonly owner: IngressIdentity;
  readonly project: string;
  readonly defaultNetwork: string;
  readonly sourceRanges: readonly string[];
  readonly views: readonly MemberView[];
  /** Ports each cluster's backends listen on (NodePorts, or container ports in `neg` mode). */
  readonly portsByCluster: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * One firewall rule per VPC network of the selected members that serve a backend, opening the GFE
 * and health-check ranges to the backends' TCP ports on those members' node tags. A member without tags is its
 * problem (a rule without target tags would open every VM of the network, so none is made for a
 * network without tags).
 */
export function toFirewalls(
  input: FirewallInput,
  problems: ProblemCollector,
): {
  resources: DesiredResource[];
  warnings: TranslateWarning[];
} {
  const byNetwork = new Map<string, { tags: Set<string>; ports: Set<number>; clusters: string[] }>();
  for (const view of input.views) {
    // Only members that serve a backend need opening to; the others would widen the rule.
    const ports = input.portsByCluster.get(view.cluster.name);
    if (view.facts === undefined || ports === undefined || ports.size === 0) continue;
    const network = networkUrl(input.project, view.facts.network ?? input.defaultNetwork);
    const entry = byNetwork.get(network) ?? { tags: new Set(), ports: new Set(), clusters: [] };
    byNetwork.set(network, entry);
    entry.clusters.push(view.cluster.name);
    const tags = (view.facts.nodeTags ?? []).filter((tag) => tag !== '');
    if (tags.length === 0) {
      problems.report(
        view.cluster.name,
        'NoNodeTags',
        'its nodes have no network tags; the firewall cannot open to them',
      );
    }
    for (const tag of tags) entry.tags.add(tag);
    for (const port of ports) entry.ports.add(port);
  }

  const resources: DesiredResource[] = [];
  const warnings: TranslateWarning[] = [];
  for (const [network, entry] of [...byNetwork].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry.tags.size === 0) {
      warnings.push({
        code: 'NoFirewallTargets',
        message: `no node tags on network ${network} (clusters ${entry.clusters.join(', ')}); no firewall rule is made`,
      });
      continue;
    }
    const name = firewallName(input.owner, network);
    resources.push({
      kind: 'firewalls',
      name,
      dependsOn: [],
      body: {
        name,
        description: ownershipDescription(input.owner, 'firewall from load balancer to backends'),
        network,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges: [...new Set(input.sourceRanges)].sort(),
        targetTags: [...entry.tags].sort(),
        allowed: [{ IPProtocol: 'tcp', ports: [...entry.ports].sort((a, b) => a - b).map(String) }],
      },
    });
  }
  return { resources, warnings };
}
