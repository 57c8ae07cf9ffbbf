/**
 * `kubemci remove-clusters`: the load balancer keeps the clusters it spans (read from GCE) minus
 * the named ones. The remaining clusters are read again and the load balancer converged, which
 * detaches the removed clusters' groups and narrows the firewall; only then are the removed
 * clusters' member objects deleted. Removing the last clusters needs `--force`, as in kubemci.
 */
import { KubemciError } from '../errors.ts';
import type { KubemciIo } from '../io.ts';
import { loadKubeconfig, resolveMembers } from '../members.ts';
import type { RemoveClustersOptions } from '../options.ts';
import { convergeOver, openLoadBalancer, readIngressFile, removeMemberObjects } from './steps.ts';

/** Runs `remove-clusters`; resolves with the exit code. Throws KubemciError when it cannot start. */
export async function runRemoveClusters(options: RemoveClustersOptions, io: KubemciIo): Promise<number> {
  const loaded = readIngressFile(io, options.ingressFile, options);
  const config = loadKubeconfig(options.members.kubeconfig, io.readText);
  const open = await openLoadBalancer(options, io, loaded.lbName, loaded.namespace);
  const { report, state } = open;
  if (state === undefined) {
    throw new KubemciError(`load balancer ${loaded.lbName} (namespace ${loaded.namespace}) does not exist`);
  }
  const removed = options.members.contexts;
  const remaining = state.clusters.filter((c) => !removed.includes(c));
  for (const c of removed.filter((c) => !state.clusters.includes(c))) {
    report.warn(`cluster ${c}: not in load balancer ${loaded.lbName}; only its member objects are removed`);
  }
  if (remaining.length === 0 && !options.force) {
    throw new KubemciError(
      `removing ${removed.join(', ')} would leave load balancer ${loaded.lbName} without clusters; ` +
        'use kubemci delete, or --force',
    );
  }
  let members: ReturnType<typeof resolveMembers>;
  try {
    members = remaining.length === 0 ? [] : resolveMembers(config, remaining);
  } catch (err) {
    throw new KubemciError(
      `the clusters that remain (${remaining.join(', ')}) are read again, but: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const result = await convergeOver(options, io, open, loaded, members);
  if (!result.applied) {
    report.info(
      `The member objects of ${removed.join(', ')} are left until the load balancer no longer uses them.`,
    );
    return report.finish();
  }
  if (options.dryRun) {
    report.info(`Dry run: would remove the member objects of ${loaded.lbName} in ${removed.join(', ')}.`);
    return report.finish();
  }
  const lb = { instanceId: options.instanceId, namespace: loaded.namespace, lbName: loaded.lbName };
  await removeMemberObjects(config, removed, lb, report, options.force);
  if (!report.failed) report.info('Success.');
  return report.finish();
}
