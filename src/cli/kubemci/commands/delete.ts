/**
 * `kubemci delete`: deletes every GCE resource of the load balancer (found by our ownership
 * markers, so no Ingress file is needed), then, once the backends are gone, its objects in the
 * member clusters (kubemci's order, from ingress-gce#186). The clusters are `--kubecontexts`, else
 * those the load balancer spans, else every context of the kubeconfig. `--force` turns member
 * failures into warnings and cleans members even when GCE could not be cleaned.
 */
import { syncLoadBalancer } from '../../../apply/sync-load-balancer.ts';
import type { Kubeconfig } from '../../../kube/kubeconfig.ts';
import type { KubemciIo } from '../io.ts';
import { loadKubeconfig } from '../members.ts';
import type { DeleteOptions } from '../options.ts';
import { planJson, planText } from '../output.ts';
import { openLoadBalancer, readIngressFile, removeMemberObjects, reportMemberFailure } from './steps.ts';

/** Runs `delete`; resolves with the exit code. Throws KubemciError when it cannot start. */
export async function runDelete(options: DeleteOptions, io: KubemciIo): Promise<number> {
  const loaded =
    options.ingressFile === undefined ? undefined : readIngressFile(io, options.ingressFile, options);
  const lbName = loaded?.lbName ?? options.lbName!;
  const { gce, report, state } = await openLoadBalancer(
    options,
    io,
    lbName,
    loaded?.namespace ?? options.namespace,
  );
  const namespace = loaded?.namespace ?? options.namespace ?? state?.namespace ?? 'default';
  const memberFailure = (err: unknown) => reportMemberFailure(report, options.force, err);

  let gceClean = true;
  if (state === undefined) {
    report.info(`Load balancer ${lbName} has no resources in project ${gce.project}.`);
  } else {
    const sync = await syncLoadBalancer(
      gce.gce,
      { instanceId: options.instanceId, ingress: { namespace, name: lbName }, desired: [] },
      { dryRun: options.dryRun, refresh: true },
    );
    const context = {
      lbName,
      namespace,
      project: gce.project,
      instanceId: options.instanceId,
      dryRun: options.dryRun,
    };
    report.set('plan', planJson(context, sync.plan, [], undefined));
    for (const line of planText(context, sync.plan)) report.info(line);
    for (const f of sync.apply?.failures ?? [])
      report.error(`delete ${f.step.kind}/${f.step.name}: ${f.error.message}`);
    gceClean = (sync.apply?.ok ?? false) && (options.dryRun || sync.converged);
  }

  let config: Kubeconfig | undefined;
  try {
    config = loadKubeconfig(options.members.kubeconfig, io.readText);
  } catch (err) {
    memberFailure(err);
  }
  if (config !== undefined) {
    const known = new Set(config.contexts.map((c) => c.name));
    let clusters: readonly string[] = options.members.contexts;
    if (clusters.length === 0 && state !== undefined && state.clusters.length > 0) {
      for (const c of state.clusters.filter((c) => !known.has(c))) {
        memberFailure(`cluster ${c}: not in the kubeconfig; its member objects of ${lbName} are left`);
      }
      clusters = state.clusters.filter((c) => known.has(c));
    } else if (clusters.length === 0) {
      clusters = [...known];
    }
    if (options.dryRun) {
      report.info(
        `Dry run: would remove the member objects of ${lbName} in ${clusters.join(', ') || 'no cluster'}.`,
      );
    } else if (!gceClean && !options.force) {
      report.info('Member objects are kept until the load balancer is deleted (or use --force).');
    } else {
      const lb = { instanceId: options.instanceId, namespace, lbName };
      await removeMemberObjects(config, clusters, lb, report, options.force);
    }
  }
  if (!report.failed && !options.dryRun) report.info('Success.');
  return report.finish();
}
