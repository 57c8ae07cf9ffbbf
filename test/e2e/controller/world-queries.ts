// Reading the state of the world in an end-to-end test: our GCE resources in the emulator and
// the controller's status on an Ingress.
import { parseOwnership } from '../../../src/naming/ownership.ts';
import { pollUntil } from '../../harness/poll.ts';
import type { World } from './world.ts';

/** The status annotation, as far as the tests read it. */
export interface StatusJson {
  vip?: string;
  observedGeneration?: number;
  clusters: {
    name: string;
    backends: {
      service: string;
      groups: string[];
      capacityScaler: number;
      health?: { healthy: number; unhealthy: number };
    }[];
    problems: { code: string; message: string }[];
  }[];
  resources: Record<string, string | string[]>;
  lastError?: { reason: string; message: string };
}

/** One global resource in the emulator. */
export interface GlobalResource {
  readonly kind: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** Global resources in the emulator owned by this world's controller instance (any Ingress, or `ingress`). */
export async function ourResources(world: World, ingress?: string): Promise<GlobalResource[]> {
  const state = await world.emulator.state();
  const out: GlobalResource[] = [];
  for (const r of state.resources) {
    const m = /\/global\/([^/]+)\/([^/]+)$/.exec(r.path);
    if (!m) continue;
    const body = r.body as Record<string, unknown>;
    const owner = parseOwnership(body.description);
    if (!owner || owner.instanceId !== world.instanceId) continue;
    if (ingress !== undefined && `${owner.namespace}/${owner.name}` !== ingress) continue;
    out.push({ kind: m[1]!, name: m[2]!, body });
  }
  return out.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}

/** The Ingress's status annotation, parsed; undefined while absent. */
export async function ingressStatus(world: World, name: string): Promise<StatusJson | undefined> {
  const raw = await world.kubectl(
    'registry',
    '-n',
    world.ns,
    'get',
    'ingress',
    name,
    '-o',
    'jsonpath={.metadata.annotations.kubemci\\.io/status}',
  );
  return raw ? (JSON.parse(raw) as StatusJson) : undefined;
}

/** Every backend group URL of every backend service of ours for an Ingress. */
export async function backendGroups(world: World, ingress: string): Promise<string[]> {
  const resources = await ourResources(world, ingress);
  return resources
    .filter((r) => r.kind === 'backendServices')
    .flatMap((r) => ((r.body.backends as { group: string }[] | undefined) ?? []).map((b) => b.group))
    .sort();
}

/** The value of a Prometheus counter (summed over labels matching `labelFilter`) from /metrics. */
export async function metricValue(port: number, name: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (labelFilter && !(m[2] ?? '').includes(labelFilter)) continue;
    sum += Number(m[3]);
  }
  return sum;
}

/**
 * Waits until the Ingress has a VIP in `status.loadBalancer` and its status annotation shows the
 * first cluster's backends; resolves with both. `onTimeout` may add context (the controller log).
 */
export async function waitForServing(
  world: World,
  name: string,
  onTimeout: (err: Error) => never,
): Promise<{ ip: string; status: StatusJson }> {
  const ip = await pollUntil(
    'the VIP in the Ingress status',
    async () =>
      (await world.kubectl(
        'registry',
        '-n',
        world.ns,
        'get',
        'ingress',
        name,
        '-o',
        'jsonpath={.status.loadBalancer.ingress[0].ip}',
      )) || undefined,
    90_000,
  ).catch(onTimeout);
  const status = await pollUntil(
    'backends in the status annotation',
    async () => {
      const s = await ingressStatus(world, name);
      return s?.clusters[0]?.backends[0]?.groups.length ? s : undefined;
    },
    60_000,
  ).catch(onTimeout);
  return { ip, status };
}
