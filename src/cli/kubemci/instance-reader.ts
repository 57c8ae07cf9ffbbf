/**
 * Reading a node's VM from Compute Engine: its network tags and VPC network, which the firewall
 * targets. The GCE client of `src/gce` covers global load-balancer resources only; this one read
 * is the single zonal call the CLI makes, through the same endpoint and credentials.
 */
import { compute } from '@googleapis/compute';
import { DEFAULT_GCE_ENDPOINT } from '../../gce/compute-client.ts';
import { createTokenSource, type GceCredentials } from '../../gce/credentials.ts';
import { KubemciError } from './errors.ts';

/** What the firewall needs to know about one VM. */
export interface InstanceInfo {
  readonly tags: readonly string[];
  /** The network of its first interface, as a URL. */
  readonly network?: string;
}

/** Reads one VM; resolves undefined when it does not exist. Rejects with KubemciError. */
export type InstanceReader = (
  project: string,
  zone: string,
  name: string,
) => Promise<InstanceInfo | undefined>;

/** A reader over the Compute API at `endpoint` (default Google's) with `credentials`. */
export function createInstanceReader(options: {
  readonly endpoint?: string;
  readonly credentials: GceCredentials;
  readonly timeoutMs?: number;
}): InstanceReader {
  const api = compute({
    version: 'v1',
    rootUrl: new URL(options.endpoint ?? DEFAULT_GCE_ENDPOINT).origin + '/',
    retry: false,
    retryConfig: { retry: 0, noResponseRetries: 0 },
  });
  const tokens = createTokenSource(options.credentials);
  return async (project, zone, name) => {
    const where = `projects/${project}/zones/${zone}/instances/${name}`;
    try {
      const token = await tokens.token();
      const response = await api.instances.get(
        { project, zone, instance: name },
        {
          headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
          timeout: options.timeoutMs ?? 30_000,
        },
      );
      const vm = response.data;
      const network = vm.networkInterfaces?.[0]?.network ?? undefined;
      return { tags: vm.tags?.items ?? [], ...(network ? { network } : {}) };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new KubemciError(`cannot read VM ${where}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}
