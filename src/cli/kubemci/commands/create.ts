/**
 * `kubemci create`: create or update the load balancer of an Ingress over the named clusters.
 * Unlike kubemci it updates what it owns without `--force` (the ownership marker proves it is
 * ours), deletes what the spec no longer needs, and exits 1 on any failure. `--force` is needed
 * only to drop clusters the load balancer spans but the command does not name.
 */
import { KubemciError } from '../errors.ts';
import { converge } from '../converge.ts';
import { connectGce, listLoadBalancers } from '../gce-connect.ts';
import { loadIngress } from '../ingress-file.ts';
import type { KubemciIo } from '../io.ts';
import { findLoadBalancer } from '../lb-state.ts';
import { loadKubeconfig, resolveMembers } from '../members.ts';
import type { CreateOptions } from '../options.ts';
import { Report } from '../report.ts';

/** Runs `create`; resolves with the exit code. Throws KubemciError for input it cannot start from. */
export async function runCreate(options: CreateOptions, io: KubemciIo): Promise<number> {
  const loaded = loadIngress(io.readText(options.ingressFile), options.ingressFile, {
    ...(options.lbName === undefined ? {} : { lbName: options.lbName }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.staticIp === undefined ? {} : { staticIp: options.staticIp }),
  });
  const members = resolveMembers(
    loadKubeconfig(options.members.kubeconfig, io.readText),
    options.members.contexts,
  );
  const gce = await connectGce(options, io);
  const report = new Report(io, options.output === 'json');
  const previous = findLoadBalancer(
    await listLoadBalancers(gce.gce, options.instanceId),
    loaded.lbName,
    loaded.namespace,
  );
  const dropped = (previous?.clusters ?? []).filter((c) => !members.some((m) => m.name === c));
  if (dropped.length > 0 && !options.force) {
    throw new KubemciError(
      `load balancer ${loaded.lbName} spans ${dropped.join(', ')}, which --kubecontexts does not name; ` +
        'use remove-clusters, or --force to drop them',
    );
  }
  for (const cluster of dropped) report.warn(`cluster ${cluster}: dropped from the load balancer (--force)`);
  const result = await converge({
    io,
    report,
    gce,
    gceSettings: options.gce,
    instanceId: options.instanceId,
    loaded,
    members,
    settings: options.members,
    mode: options.backendMode ?? previous?.backendMode ?? 'neg',
    validate: options.validate,
    dryRun: options.dryRun,
  });
  if (result.applied && !report.failed && !options.dryRun) report.info('Success.');
  return report.finish();
}
