/**
 * `kubemci create`: create or update the load balancer of an Ingress over the named clusters.
 * Unlike kubemci it updates what it owns without `--force` (the ownership marker proves it is
 * ours), deletes what the spec no longer needs, and exits 1 on any failure. `--force` is needed
 * only to drop clusters the load balancer spans but the command does not name.
 */
import { KubemciError } from '../errors.ts';
import type { KubemciIo } from '../io.ts';
import { loadKubeconfig, resolveMembers } from '../members.ts';
import type { CreateOptions } from '../options.ts';
import { convergeOver, openLoadBalancer, readIngressFile } from './steps.ts';

/** Runs `create`; resolves with the exit code. Throws KubemciError for input it cannot start from. */
export async function runCreate(options: CreateOptions, io: KubemciIo): Promise<number> {
  const loaded = readIngressFile(io, options.ingressFile, options);
  const members = resolveMembers(
    loadKubeconfig(options.members.kubeconfig, io.readText),
    options.members.contexts,
  );
  const open = await openLoadBalancer(options, io, loaded.lbName, loaded.namespace);
  const { report, state: previous } = open;
  const dropped = (previous?.clusters ?? []).filter((c) => !members.some((m) => m.name === c));
  if (dropped.length > 0 && !options.force) {
    throw new KubemciError(
      `load balancer ${loaded.lbName} spans ${dropped.join(', ')}, which --kubecontexts does not name; ` +
        'use remove-clusters, or --force to drop them',
    );
  }
  for (const cluster of dropped) report.warn(`cluster ${cluster}: dropped from the load balancer (--force)`);
  const result = await convergeOver(options, io, open, loaded, members);
  if (result.applied && !report.failed && !options.dryRun) report.info('Success.');
  return report.finish();
}
