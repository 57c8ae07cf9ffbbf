/**
 * The GCE side of a command: the project (flag, else gcloud's, as kubemci did) and a client that
 * lists only names with our prefix, and the load balancers our instance has there.
 */
import type { GceClient } from '../../gce/index.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../../model/gce.ts';
import { NAME_PREFIX } from '../../naming/gce-names.ts';
import { KubemciError } from './errors.ts';
import type { KubemciIo } from './io.ts';
import { summarizeLoadBalancers, type LoadBalancerState } from './lb-state.ts';
import type { BaseOptions } from './options.ts';

/** A connected project. */
export interface GceContext {
  readonly gce: GceClient;
  readonly project: string;
}

/**
 * The project and client for `options`. Throws KubemciError when no project is given and gcloud
 * has none.
 */
export async function connectGce(options: BaseOptions, io: KubemciIo): Promise<GceContext> {
  const project = options.gce.project ?? (await io.gcloudProject());
  if (project === undefined || project === '') {
    throw new KubemciError('no GCP project: give --gcp-project (or set one with gcloud config set project)');
  }
  const gce = io.makeGce({
    project,
    credentials: options.gce.credentials,
    ...(options.gce.endpoint === undefined ? {} : { endpoint: options.gce.endpoint }),
    namePrefix: `${NAME_PREFIX}-`,
  });
  return { gce, project };
}

/** Every load balancer of `instanceId` in the project (one list per resource type). Rejects with GceError. */
export async function listLoadBalancers(gce: GceClient, instanceId: string): Promise<LoadBalancerState[]> {
  return summarizeLoadBalancers(await gce.observe(KINDS_IN_DEPENDENCY_ORDER), instanceId);
}
