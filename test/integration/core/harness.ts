/**
 * Shared setup for the load-balancer core suite: translate → syncLoadBalancer → the Compute
 * emulator. Member facts are synthetic (two members, two zones each) and the NEGs and instance
 * groups they name are created in the emulator first, because backend services can only
 * reference groups that exist. The world is judged through the emulator's admin endpoint
 * (`GET /admin/state`, `GET /admin/calls`), never through what the client believes.
 */
import { readFileSync } from 'node:fs';
import { compute } from '@googleapis/compute';
import type { compute_v1 } from '@googleapis/compute';
import { expect } from 'chai';
import { syncLoadBalancer } from '../../../src/apply/sync-load-balancer.ts';
import type { SyncOptions, SyncResult } from '../../../src/apply/sync-load-balancer.ts';
import { createGceClient } from '../../../src/gce/index.ts';
import type { GceClient, GceClientOptions } from '../../../src/gce/index.ts';
import type { ClusterInfo } from '../../../src/model/cluster.ts';
import type { DesiredResource, ResourceKind } from '../../../src/model/gce.ts';
import type { MemberFacts } from '../../../src/model/member-facts.ts';
import type { BackendMode, TranslateInput } from '../../../src/model/translate.ts';
import { derivedServiceName, NAME_PREFIX } from '../../../src/naming/gce-names.ts';
import { isOwnedBy } from '../../../src/naming/ownership.ts';
import { translate } from '../../../src/translate/translate.ts';
import type { CallEntry, Clock, Emulator, TimerHandle } from '../../emulator/index.ts';
import { startEmulator } from '../../emulator/index.ts';

/** The project of every resource. */
export const PROJECT = 'test-project';
/** Our controller instance. */
export const INSTANCE_ID = '3f2b1c4e-0000-4a1b-9c2d-0123456789ab';
/** Another controller instance managing the same Ingress name (another registry). */
export const OTHER_INSTANCE_ID = '9a8b7c6d-1111-4e2f-8a3b-fedcba987654';
/** The multicluster Ingress under test. */
export const INGRESS = { namespace: 'shop', name: 'web' } as const;
/** A static IP the user reserved themselves (no `mci2-` prefix: not ours). */
export const STATIC_IP_NAME = 'shop-vip';
/** Google's link base, which the emulator writes and translate uses. */
export const BASE = 'https://www.googleapis.com/compute/v1/';

/** One synthetic member cluster. */
export interface MemberSpec {
  readonly name: string;
  readonly zones: readonly string[];
  readonly nodeTags: readonly string[];
}

/** The two members: two zones each, one network tag each. */
export const MEMBERS: readonly MemberSpec[] = [
  { name: 'us', zones: ['us-central1-a', 'us-central1-b'], nodeTags: ['gke-us-node'] },
  { name: 'eu', zones: ['europe-west1-b', 'europe-west1-c'], nodeTags: ['gke-eu-node'] },
];

/**
 * The Services every member runs: `web` with two ports (the default backend uses one of them)
 * and `api` behind a path. NodePorts agree across members, as instance-group mode requires.
 */
const SERVICES = {
  web: {
    ports: [
      { port: 80, targetPort: 8080, nodePort: 30080 },
      { port: 81, targetPort: 8081, nodePort: 30081 },
    ],
  },
  api: { ports: [{ port: 8080, targetPort: 9090, nodePort: 30090 }] },
} as const;

/** The NEG the member's NEG controller would have made for one Service port (same name in every zone). */
export function negName(member: string, service: string, port: number): string {
  return `k8s1-${member}-shop-${service}-${port}`;
}

/** The instance group ingress-gce would have made in each of the member's zones. */
export function instanceGroupName(member: string): string {
  return `k8s-ig--${member}`;
}

/** What a load balancer is built from; every field but `mode` has a default (the base case). */
export interface Scenario {
  readonly mode: BackendMode;
  /** Which test certificate the TLS Secret holds; undefined: no spec.tls (HTTP only). */
  readonly certificate?: 'a' | 'b';
  /** The host rule's host (default `shop.example.com`). */
  readonly host?: string;
  /** The path routed to `api` (default `/api`). */
  readonly path?: string;
  /** The Service port of the default backend `web` (default 80). */
  readonly defaultPort?: 80 | 81;
  /** `kubernetes.io/ingress.allow-http`; default unset (true). */
  readonly allowHttp?: boolean;
  /** `kubernetes.io/ingress.global-static-ip-name`. */
  readonly staticIp?: string;
  /** `kubemci.io/capacity` per cluster name. */
  readonly capacity?: Readonly<Record<string, string>>;
  /** Members opted in with `kubemci.io/enabled=true` (default all); the others stay registered. */
  readonly enabled?: readonly string[];
}

/** A test certificate and its key (self-signed, for shop.example.com, valid for a century). */
export function certificate(which: 'a' | 'b'): { crt: string; key: string } {
  const read = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  return { crt: read(`shop-${which}.crt`), key: read(`shop-${which}.key`) };
}

function memberFacts(member: MemberSpec, instanceId: string): MemberFacts {
  const negStatus = Object.fromEntries(
    Object.entries(SERVICES).map(([service, spec]) => [
      derivedServiceName(instanceId, INGRESS.namespace, service),
      {
        networkEndpointGroups: Object.fromEntries(
          spec.ports.map((p) => [String(p.port), negName(member.name, service, p.port)]),
        ),
        zones: member.zones,
      },
    ]),
  );
  return {
    reachable: true,
    services: SERVICES,
    negStatus,
    instanceGroups: member.zones.map((zone) => ({ name: instanceGroupName(member.name), zone })),
    nodeTags: member.nodeTags,
    network: 'default',
  };
}

/** The translate input of a scenario, as the controller would gather it for `instanceId`. */
export function inputOf(s: Scenario, instanceId = INSTANCE_ID): TranslateInput {
  const annotations: Record<string, string> = {
    'kubernetes.io/ingress.class': 'kubemci',
    'kubemci.io/backend-mode': s.mode,
  };
  if (s.allowHttp !== undefined) annotations['kubernetes.io/ingress.allow-http'] = String(s.allowHttp);
  if (s.staticIp !== undefined) annotations['kubernetes.io/ingress.global-static-ip-name'] = s.staticIp;
  const enabled = s.enabled ?? MEMBERS.map((m) => m.name);
  const clusters = MEMBERS.map((m): ClusterInfo => {
    const labels: Record<string, string> = {};
    if (enabled.includes(m.name)) labels['kubemci.io/enabled'] = 'true';
    const annotations: Record<string, string> = {};
    const capacity = s.capacity?.[m.name];
    if (capacity !== undefined) annotations['kubemci.io/capacity'] = capacity;
    return { name: m.name, labels, annotations };
  });
  const cert = s.certificate === undefined ? undefined : certificate(s.certificate);
  return {
    ingress: {
      metadata: { ...INGRESS, annotations },
      spec: {
        ...(cert === undefined ? {} : { tls: [{ secretName: 'shop-tls' }] }),
        defaultBackend: { service: { name: 'web', port: { number: s.defaultPort ?? 80 } } },
        rules: [
          {
            host: s.host ?? 'shop.example.com',
            http: {
              paths: [
                {
                  path: s.path ?? '/api',
                  pathType: 'Prefix',
                  backend: { service: { name: 'api', port: { number: 8080 } } },
                },
              ],
            },
          },
        ],
      },
    },
    clusters,
    memberFacts: Object.fromEntries(MEMBERS.map((m) => [m.name, memberFacts(m, instanceId)])),
    secrets: cert === undefined ? {} : { 'shop-tls': { 'tls.crt': cert.crt, 'tls.key': cert.key } },
  };
}

/** The desired graph of a scenario; fails the test if translate reports anything wrong. */
export function desiredOf(s: Scenario, instanceId = INSTANCE_ID): readonly DesiredResource[] {
  const result = translate(inputOf(s, instanceId), { project: PROJECT, instanceId });
  expect(
    result.errors.map((e) => e.message),
    'translate errors',
  ).to.deep.equal([]);
  expect(result.clusterProblems, 'cluster problems').to.deep.equal([]);
  return result.desired;
}

/** `kind/name` of a resource, the key every set comparison uses. */
export function keyOf(r: { readonly kind: ResourceKind; readonly name: string }): string {
  return `${r.kind}/${r.name}`;
}

/** The keys of the resources a desired graph owns (external ones excluded), sorted. */
export function ownedKeys(desired: readonly DesiredResource[]): string[] {
  return desired
    .filter((d) => d.external !== true)
    .map(keyOf)
    .sort();
}

/**
 * Longest chain of `dependsOn` in a desired graph, counted in resources (a lone resource has
 * depth 1): the number of operations that must finish one after another.
 */
export function dependencyDepth(desired: readonly DesiredResource[]): number {
  const byKey = new Map(desired.map((d) => [keyOf(d), d]));
  const memo = new Map<string, number>();
  const depth = (key: string): number => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    const deps = byKey.get(key)?.dependsOn ?? [];
    const d = 1 + Math.max(0, ...deps.map((dep) => depth(keyOf(dep))));
    memo.set(key, d);
    return d;
  };
  return Math.max(0, ...desired.map((d) => depth(keyOf(d))));
}

// ---- the emulator -------------------------------------------------------------------------

/** The wall clock, with a hook run after every timer fires (operations commit in timers). */
class ObservingClock implements Clock {
  listener: (() => void) | undefined;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(() => {
      fn();
      this.listener?.();
    }, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

/** A running emulator with the Compute client used to set up the members' groups. */
export interface World {
  readonly emulator: Emulator;
  /** The raw Compute client, for setup the controller does not do (groups, foreign resources). */
  readonly api: compute_v1.Compute;
  /**
   * Runs `listener` after every change the emulator can make: after each API call it serves and
   * after each operation timer (where writes commit). Undefined removes it.
   */
  onChange(listener: (() => void) | undefined): void;
}

/** Starts an emulator for a suite (operations DONE at once until {@link prepare} sets a latency). */
export async function startWorld(): Promise<World> {
  const clock = new ObservingClock();
  const emulator = await startEmulator({ project: PROJECT, clock, opLatencyMs: 0 });
  const core = emulator.core;
  const serve = core.serve.bind(core);
  core.serve = async (call) => {
    const out = await serve(call);
    clock.listener?.();
    return out;
  };
  return {
    emulator,
    api: compute({ version: 'v1', rootUrl: emulator.endpoint, retry: false }),
    onChange: (listener) => {
      clock.listener = listener;
    },
  };
}

/**
 * Resets the emulator and builds what the members and the user own: every member's NEGs (one per
 * Service port and zone), one instance group per member zone with the NodePorts named, and the
 * user's reserved static IP. Then sets the operation latency and clears the call log, so the
 * log holds only what the controller does.
 */
export async function prepare(world: World, opLatencyMs: number): Promise<void> {
  const { emulator, api } = world;
  world.onChange(undefined);
  emulator.reset({ config: true });
  const inserts: Promise<unknown>[] = [];
  for (const member of MEMBERS) {
    for (const zone of member.zones) {
      for (const [service, spec] of Object.entries(SERVICES)) {
        for (const p of spec.ports) {
          inserts.push(
            api.networkEndpointGroups.insert({
              project: PROJECT,
              zone,
              requestBody: {
                name: negName(member.name, service, p.port),
                networkEndpointType: 'GCE_VM_IP_PORT',
                defaultPort: p.targetPort,
              },
            }),
          );
        }
      }
      const namedPorts = Object.values(SERVICES).flatMap((spec) =>
        spec.ports.map((p) => ({ name: `port${p.nodePort}`, port: p.nodePort })),
      );
      inserts.push(
        api.instanceGroups.insert({
          project: PROJECT,
          zone,
          requestBody: { name: instanceGroupName(member.name), namedPorts },
        }),
      );
    }
  }
  inserts.push(api.globalAddresses.insert({ project: PROJECT, requestBody: { name: STATIC_IP_NAME } }));
  await Promise.all(inserts);
  emulator.setConfig({ opLatency: opLatencyMs });
  await clearCalls(world);
}

/** Fast retries for tests: the real back-off (seconds) would only slow the suite. */
export const FAST_RETRY: GceClientOptions['retry'] = {
  initialDelayMs: 2,
  maxDelayMs: 20,
  rateLimitedMinDelayMs: 5,
};

/** A controller's GCE client on the emulator (one per controller instance, kept across syncs). */
export function gceClient(world: World, extra: Partial<GceClientOptions> = {}): GceClient {
  return createGceClient({
    project: PROJECT,
    credentials: { source: 'none' },
    namePrefix: `${NAME_PREFIX}-`,
    endpoint: world.emulator.endpoint,
    operations: { pollIntervalMs: 5 },
    retry: FAST_RETRY,
    ...extra,
  });
}

/** Syncs the scenario's load balancer (or, with `null`, deletes it) as `instanceId`. */
export function sync(
  gce: GceClient,
  scenario: Scenario | null,
  opts: SyncOptions & { readonly instanceId?: string } = {},
): Promise<SyncResult> {
  const instanceId = opts.instanceId ?? INSTANCE_ID;
  const desired = scenario === null ? [] : desiredOf(scenario, instanceId);
  return syncLoadBalancer(gce, { instanceId, ingress: INGRESS, desired }, opts);
}

/** Fails the test unless a sync converged: no plan problem, no failed step. */
export function expectConverged(result: SyncResult): void {
  const failures = (result.apply?.failures ?? []).map((f) => `${keyOf(f.step)}: ${f.error.message}`);
  expect(result.plan.problems, 'plan problems').to.deep.equal([]);
  expect(failures, 'failed steps').to.deep.equal([]);
  expect(result.converged, 'converged').to.equal(true);
}

// ---- the admin endpoint -------------------------------------------------------------------

/** One of the load balancer's global resources as `GET /admin/state` shows it. */
export interface WorldResource {
  readonly kind: ResourceKind;
  readonly name: string;
  /** `ready`, `creating` or `deleting`. */
  readonly state: string;
  /** An operation on it has not reached DONE yet. */
  readonly busy: boolean;
  readonly body: Readonly<Record<string, unknown>>;
}

const KIND_OF_COLLECTION: Readonly<Record<string, ResourceKind>> = {
  addresses: 'addresses',
  healthChecks: 'healthChecks',
  sslCertificates: 'sslCertificates',
  firewalls: 'firewalls',
  backendServices: 'backendServices',
  urlMaps: 'urlMaps',
  targetHttpProxies: 'targetHttpProxies',
  targetHttpsProxies: 'targetHttpsProxies',
  forwardingRules: 'globalForwardingRules',
};

async function admin<T>(world: World, method: 'GET' | 'DELETE', path: string): Promise<T> {
  const res = await fetch(`${world.emulator.admin}${path}`, { method });
  expect(res.ok, `${method} /admin/${path}: ${res.status}`).to.equal(true);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Every global load-balancer resource in the emulator (whoever owns it), from `GET /admin/state`. */
export async function worldResources(world: World): Promise<WorldResource[]> {
  const state = await admin<{
    resources: { path: string; state: string; busy: boolean; body: Record<string, unknown> }[];
  }>(world, 'GET', 'state');
  return state.resources.flatMap((r) => {
    const m = /^projects\/[^/]+\/global\/([^/]+)\/([^/]+)$/.exec(r.path);
    const kind = m === null ? undefined : KIND_OF_COLLECTION[m[1] ?? ''];
    return kind === undefined || m === null
      ? []
      : [{ kind, name: m[2] ?? '', state: r.state, busy: r.busy, body: r.body }];
  });
}

/** The keys of the resources in the emulator owned by `instanceId` for {@link INGRESS}, sorted. */
export function ownedBy(resources: readonly WorldResource[], instanceId = INSTANCE_ID): string[] {
  return resources
    .filter((r) => isOwnedBy(r.body.description, instanceId, INGRESS))
    .map(keyOf)
    .sort();
}

/**
 * Asserts the emulator holds exactly the desired graph's own resources for this instance and
 * Ingress, all ready and idle, and (unless `othersExist`) no other resource with our prefix.
 */
export async function expectWorldMatches(
  world: World,
  desired: readonly DesiredResource[],
  opts: { readonly instanceId?: string; readonly othersExist?: boolean } = {},
): Promise<WorldResource[]> {
  const resources = await worldResources(world);
  const expected = ownedKeys(desired);
  expect(ownedBy(resources, opts.instanceId), 'our resources in the emulator').to.deep.equal(expected);
  if (!opts.othersExist) {
    const prefixed = resources.filter((r) => r.name.startsWith(`${NAME_PREFIX}-`)).map(keyOf);
    expect(prefixed.sort(), 'every resource with our prefix').to.deep.equal(expected);
  }
  const unsettled = resources.filter((r) => expected.includes(keyOf(r)) && (r.state !== 'ready' || r.busy));
  expect(unsettled.map(keyOf), 'resources with an operation still running').to.deep.equal([]);
  return resources;
}

/** The call log, oldest first, from `GET /admin/calls`. */
export async function calls(world: World): Promise<CallEntry[]> {
  return (await admin<{ calls: CallEntry[] }>(world, 'GET', 'calls')).calls;
}

/** Empties the call log (`DELETE /admin/calls`). */
export async function clearCalls(world: World): Promise<void> {
  await admin<undefined>(world, 'DELETE', 'calls');
}

const READ_METHOD = /\.(get|list|aggregatedList|wait|getHealth|list[A-Z]\w*)$/;

/** True for a method id that changes something (insert, update, patch, delete, set*...). */
export function isWrite(method: string): boolean {
  return !READ_METHOD.test(method);
}

/** The method ids of the write calls in a log, sorted (a multiset: one entry per call). */
export function writeMethods(log: readonly CallEntry[]): string[] {
  return log
    .filter((c) => isWrite(c.method))
    .map((c) => c.method)
    .sort();
}

/** The Compute method that inserts a resource of `kind` (`compute.globalAddresses.insert`). */
export function insertMethod(kind: ResourceKind): string {
  return `compute.${kind === 'addresses' ? 'globalAddresses' : kind}.insert`;
}

/** Sorts method ids given as `[method, times]` pairs into the multiset {@link writeMethods} returns. */
export function methods(...entries: readonly (readonly [string, number])[]): string[] {
  return entries.flatMap(([method, times]) => Array<string>(times).fill(`compute.${method}`)).sort();
}

/**
 * What changed between two snapshots of the world: `kind/name` for a resource that appeared or
 * went away, `kind/name.field` for a top-level field whose value differs (the fingerprint, which
 * every write renews, is not counted). Sorted.
 */
export function changedFields(before: readonly WorldResource[], after: readonly WorldResource[]): string[] {
  const index = (list: readonly WorldResource[]) => new Map(list.map((r) => [keyOf(r), r]));
  const [b, a] = [index(before), index(after)];
  const out: string[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const [old, now] = [b.get(key), a.get(key)];
    if (old === undefined || now === undefined) {
      out.push(key);
      continue;
    }
    for (const field of new Set([...Object.keys(old.body), ...Object.keys(now.body)])) {
      if (field === 'fingerprint') continue;
      if (JSON.stringify(old.body[field]) !== JSON.stringify(now.body[field])) out.push(`${key}.${field}`);
    }
  }
  return out.sort();
}

/** A seeded [0, 1) generator (mulberry32), for the client's retry jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Waits for a global operation returned by a raw Compute call (someone else's write) to be DONE,
 * and fails the test if it ended in an error.
 */
export async function done(
  world: World,
  call: Promise<{ data: compute_v1.Schema$Operation }>,
): Promise<void> {
  let op = (await call).data;
  while (op.status !== 'DONE') {
    op = (await world.api.globalOperations.wait({ project: PROJECT, operation: op.name ?? '' })).data;
  }
  expect(op.error, `operation ${op.name}`).to.equal(undefined);
}
