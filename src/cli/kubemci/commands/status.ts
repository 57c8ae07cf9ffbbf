/**
 * `kubemci get-status` and `kubemci list`: read from GCE alone (one list per resource type), as
 * kubemci did, through our ownership markers: the VIP, the clusters (from the backends' cluster
 * markers) and the resources of each load balancer.
 */
import { KubemciError } from '../errors.ts';
import { connectGce, listLoadBalancers } from '../gce-connect.ts';
import type { KubemciIo } from '../io.ts';
import { findLoadBalancer } from '../lb-state.ts';
import type { GetStatusOptions, ListOptions } from '../options.ts';
import { formatList, formatStatus, statusJson } from '../output.ts';

/** Runs `get-status`; resolves with 0. Throws KubemciError when the load balancer does not exist. */
export async function runGetStatus(options: GetStatusOptions, io: KubemciIo): Promise<number> {
  const { gce, project } = await connectGce(options, io);
  const state = findLoadBalancer(
    await listLoadBalancers(gce, options.instanceId),
    options.lbName,
    options.namespace,
  );
  if (state === undefined) {
    throw new KubemciError(`load balancer ${options.lbName} does not exist in project ${project}`);
  }
  io.stdout(
    options.output === 'json' ? `${JSON.stringify(statusJson(state), null, 2)}\n` : formatStatus(state),
  );
  return 0;
}

/** Runs `list`; resolves with 0. */
export async function runList(options: ListOptions, io: KubemciIo): Promise<number> {
  const { gce } = await connectGce(options, io);
  const states = (await listLoadBalancers(gce, options.instanceId)).filter(
    (s) => options.namespace === undefined || s.namespace === options.namespace,
  );
  io.stdout(
    options.output === 'json'
      ? `${JSON.stringify({ items: states.map(statusJson) }, null, 2)}\n`
      : formatList(states),
  );
  return 0;
}
