/**
 * `kubemci remove-clusters`: the load balancer keeps the clusters it spans (read from GCE) minus
 * the named ones. The remaining clusters are read again and the load balancer converged, which
 * detaches the removed clusters' groups and narrows the firewall; only then are the removed
 * clusters' member objects deleted. Removing the last clusters needs `--force`, as in kubemci.
 */
import { converge } from '../converge.ts';
import { KubemciError } from '../errors.ts';
import { connectGce, listLoadBalancers } from '../gce-connect.ts';
import { loadIngress } from '../ingress-file.ts';
import type { KubemciIo } from '../io.ts';
import { findLoadBalancer } from '../lb-state.ts';
import { cleanupMember } from '../member-cleanup.ts';
import { loadKubeconfig, resolveMembers } from '../members.ts';
import type { RemoveClustersOptions } from '../options.ts';
import { Report } from '../report.ts';

/** Runs `remove-clusters`; resolves with the exit code. Throws KubemciError when it cannot start. */
export async function runRemoveClusters(options: RemoveClustersOptions, io: KubemciIo): Promise<number> {
  const loaded = loadIngress(io.readText(options.ingressFile), options.ingressFile, {
    ...(options.lbName === undefined ? {} : { lbName: options.lbName }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  });
  const config = loadKubeconfig(options.members.kubeconfig, io.readText);
  const gce = await connectGce(options, io);
  const report = new Report(io, options.output === 'json');
  const state = findLoadBalancer(
    await listLoadBalancers(gce.gce, options.instanceId),
    loaded.lbName,
    loaded.namespace,
  );
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
  const result = await converge({
    io,
    report,
    gce,
    gceSettings: options.gce,
    instanceId: options.instanceId,
    loaded,
    members,
    settings: options.members,
    mode: options.backendMode ?? state.backendMode ?? 'neg',
    validate: options.validate,
    dryRun: options.dryRun,
  });
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
  await removeMemberObjects(options, config, removed, loaded, report);
  if (!report.failed) report.info('Success.');
  return report.finish();
}

async function removeMemberObjects(
  options: RemoveClustersOptions,
  config: Parameters<typeof resolveMembers>[0],
  removed: readonly string[],
  loaded: { readonly lbName: string; readonly namespace: string },
  report: Report,
): Promise<void> {
  const fail = (err: unknown) =>
    options.force ? report.warn(err instanceof Error ? err.message : String(err)) : report.error(err);
  for (const name of removed) {
    let member;
    try {
      [member] = resolveMembers(config, [name]);
    } catch (err) {
      fail(err);
      continue;
    }
    try {
      const changes = await cleanupMember(member!, {
        instanceId: options.instanceId,
        namespace: loaded.namespace,
        lbName: loaded.lbName,
        keep: { services: new Set(), copy: false },
      });
      for (const c of changes) report.info(`cluster ${c.cluster}: ${c.description}`);
    } catch (err) {
      fail(err);
    }
  }
}
