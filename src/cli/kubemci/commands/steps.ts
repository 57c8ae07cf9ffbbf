/**
 * The steps `create`, `remove-clusters` and `delete` take alike: reading the Ingress file with
 * the command line's overrides, finding the load balancer in GCE, converging it over members,
 * and removing a load balancer's objects from the members it no longer spans.
 */
import type { Kubeconfig } from '../../../kube/kubeconfig.ts';
import { converge, type ConvergeResult } from '../converge.ts';
import { connectGce, listLoadBalancers, type GceContext } from '../gce-connect.ts';
import { loadIngress, type IngressOverrides, type LoadedIngress } from '../ingress-file.ts';
import type { KubemciIo } from '../io.ts';
import { findLoadBalancer, type LoadBalancerState } from '../lb-state.ts';
import { cleanupMember } from '../member-cleanup.ts';
import { resolveMembers, type Member } from '../members.ts';
import type { BaseOptions, CreateOptions, RemoveClustersOptions } from '../options.ts';
import { Report } from '../report.ts';

/**
 * Reads the Ingress file `file`, with the name, namespace and static IP that `overrides` gives.
 * Throws KubemciError when the file cannot be used (see loadIngress).
 */
export function readIngressFile(io: KubemciIo, file: string, overrides: IngressOverrides): LoadedIngress {
  return loadIngress(io.readText(file), file, {
    ...(overrides.lbName === undefined ? {} : { lbName: overrides.lbName }),
    ...(overrides.namespace === undefined ? {} : { namespace: overrides.namespace }),
    ...(overrides.staticIp === undefined ? {} : { staticIp: overrides.staticIp }),
  });
}

/** A command's GCE project, its report, and the load balancer as GCE has it now. */
export interface OpenLoadBalancer {
  readonly gce: GceContext;
  readonly report: Report;
  /** Undefined when our instance has no resources of it. */
  readonly state: LoadBalancerState | undefined;
}

/**
 * Connects to GCE, starts the command's report, and finds the load balancer `lbName` (of
 * `namespace`, when given). Throws KubemciError when there is no project or the name is
 * ambiguous; rejects with GceError when GCE cannot be listed.
 */
export async function openLoadBalancer(
  options: BaseOptions,
  io: KubemciIo,
  lbName: string,
  namespace: string | undefined,
): Promise<OpenLoadBalancer> {
  const gce = await connectGce(options, io);
  const report = new Report(io, options.output === 'json');
  const state = findLoadBalancer(await listLoadBalancers(gce.gce, options.instanceId), lbName, namespace);
  return { gce, report, state };
}

/**
 * Converges the load balancer of `loaded` over `members`, in the mode the Ingress says, else the
 * command line's, else the one it has now, else `neg`. Reports every step and failure.
 */
export function convergeOver(
  options: CreateOptions | RemoveClustersOptions,
  io: KubemciIo,
  open: OpenLoadBalancer,
  loaded: LoadedIngress,
  members: readonly Member[],
): Promise<ConvergeResult> {
  return converge({
    io,
    report: open.report,
    gce: open.gce,
    gceSettings: options.gce,
    instanceId: options.instanceId,
    loaded,
    members,
    settings: options.members,
    mode: options.backendMode ?? open.state?.backendMode ?? 'neg',
    validate: options.validate,
    dryRun: options.dryRun,
  });
}

/**
 * Reports a failure in a member: an error, or with `--force` only a warning (the command goes on
 * and can still succeed).
 */
export function reportMemberFailure(report: Report, force: boolean, err: unknown): void {
  if (force) report.warn(err instanceof Error ? err.message : String(err));
  else report.error(err);
}

/**
 * Removes the objects of load balancer `lb` from each cluster in `clusters`, reporting what
 * changed. A cluster that fails is reported (see reportMemberFailure) and the next one is tried;
 * never rejects for a member's failure.
 */
export async function removeMemberObjects(
  config: Kubeconfig,
  clusters: readonly string[],
  lb: { readonly instanceId: string; readonly namespace: string; readonly lbName: string },
  report: Report,
  force: boolean,
): Promise<void> {
  for (const name of clusters) {
    try {
      const [member] = resolveMembers(config, [name]);
      const changes = await cleanupMember(member!, { ...lb, keep: { services: new Set(), copy: false } });
      for (const c of changes) report.info(`cluster ${c.cluster}: ${c.description}`);
    } catch (err) {
      reportMemberFailure(report, force, err);
    }
  }
}
