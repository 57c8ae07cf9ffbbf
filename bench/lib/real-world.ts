/**
 * The all-real world of scenarios 1 and 6: a registry and three member clusters (real
 * kube-apiservers with etcd and controller-managers, from kube-testenv), the member simulators
 * (GKE's NEG controller, scheduler and kubelet), the Compute emulator, the members registered with
 * the real `kubectl create cluster`, and the controller as its own process. Built from the
 * end-to-end suite's world (test/e2e/controller/world.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, NetworkingV1Api, Watch, type V1Ingress } from '@kubernetes/client-node';
import { pollUntil } from '../../test/harness/poll.ts';
import { startTestEnv, type TestEnv } from '../../test/harness/testenv.ts';
import { REPO, kubectlOk } from '../../test/harness/kubectl.ts';
import { startWorld, type ControllerProcess, type World } from '../../test/e2e/controller/world.ts';
import type { StatusJson } from '../../test/e2e/controller/world-queries.ts';
import { STATUS_ANNOTATION } from '../../src/controller/status-annotation.ts';

/** The members of the real world. */
export const MEMBERS = ['member-1', 'member-2', 'member-3'] as const;

/** The health-poll period the controller runs with (its flag), for scenario 6's bound. */
export const HEALTH_POLL_PERIOD_MS = 2000;

/** A running real world. */
export interface RealWorld {
  readonly env: TestEnv;
  readonly world: World;
  readonly controller: ControllerProcess;
  /** The Cluster names the members were registered under, by member. */
  readonly clusters: Readonly<Record<string, string>>;
  readonly networking: NetworkingV1Api;
  readonly kc: KubeConfig;
  /** Seconds the set-up took. */
  readonly setupSeconds: number;
  stop(): Promise<void>;
}

/**
 * The app every member runs: one Deployment `shop` whose pods serve HTTP on 8080 (with a readiness
 * probe) and an API on 9090, behind two Services, `web` (80 → http) and `api` (8080 → api).
 */
export function appManifest(ns: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: registry.invalid/shop:1
        ports: [{name: http, containerPort: 8080}, {name: api, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /healthz, port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: shop}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ${ns}}
spec:
  selector: {app: shop}
  ports: [{name: api, port: 8080, targetPort: api}]
`;
}

/** A multicluster Ingress over both Services, HTTP and HTTPS (the TLS Secret `shop-tls`). */
export function ingressObject(ns: string, name: string, host: string): V1Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: ns },
    spec: {
      ingressClassName: 'kubemci',
      tls: [{ secretName: 'shop-tls', hosts: [host] }],
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** The status annotation of an Ingress object, parsed; undefined while absent. */
export function statusOf(ingress: V1Ingress | undefined): StatusJson | undefined {
  const raw = ingress?.metadata?.annotations?.[STATUS_ANNOTATION];
  return raw ? (JSON.parse(raw) as StatusJson) : undefined;
}

/**
 * True when the status says the load balancer is whole: a VIP, no error, and every one of
 * `clusters` serving both Services with at least one group and no problem.
 */
export function isConverged(ingress: V1Ingress | undefined, clusters: readonly string[]): boolean {
  const s = statusOf(ingress);
  const ip = ingress?.status?.loadBalancer?.ingress?.[0]?.ip;
  if (!s || !s.vip || !ip || s.lastError) return false;
  return clusters.every((name) => {
    const c = s.clusters.find((x) => x.name === name);
    return (
      c !== undefined &&
      c.problems.length === 0 &&
      ['web', 'api'].every((svc) => c.backends.some((b) => b.service === svc && b.groups.length > 0))
    );
  });
}

/** A watch on one Ingress, waiting for a condition. */
export interface IngressWatch {
  /** Resolves once the watch request is open, so nothing after it can be missed. */
  readonly ready: Promise<void>;
  /** The time (performance.now) and object of the first event for which the condition held. */
  readonly done: Promise<{ at: number; ingress: V1Ingress }>;
}

/**
 * Watches one Ingress until `condition` holds for an event; `done` rejects after `timeoutMs` or
 * when the watch fails. The watch is closed once `done` settles.
 */
export function watchIngress(
  kc: KubeConfig,
  ns: string,
  name: string,
  condition: (ingress: V1Ingress) => boolean,
  timeoutMs: number,
): IngressWatch {
  let abort: AbortController | undefined;
  let settled = false;
  let ready!: Promise<void>;
  const done = new Promise<{ at: number; ingress: V1Ingress }>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms watching ${ns}/${name}`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort?.abort();
      settle();
    };
    const opened = new Watch(kc).watch(
      `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`,
      { fieldSelector: `metadata.name=${name}` },
      (_phase, obj: V1Ingress) => {
        const at = performance.now();
        if (condition(obj)) finish(() => resolve({ at, ingress: obj }));
      },
      (err: unknown) => {
        if (err) finish(() => reject(err instanceof Error ? err : new Error(String(err))));
      },
    );
    ready = opened.then((a) => {
      abort = a;
      if (settled) a.abort();
    });
    opened.catch((err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))));
  });
  // A caller that stops at `ready` failing must not leave this rejection unhandled.
  done.catch(() => undefined);
  return { ready, done };
}

/**
 * Starts the real world: three members with the app, registered and enabled, the TLS Secret in
 * the registry, and the controller (health poll every {@link HEALTH_POLL_PERIOD_MS}).
 */
export async function startRealWorld(log: (line: string) => void): Promise<RealWorld> {
  const started = performance.now();
  const env = await startTestEnv({ members: MEMBERS.length });
  let world: World | undefined;
  try {
    log(`  clusters up in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    world = await startWorld(env, { opLatencyMs: 0, members: [...MEMBERS] });
    const w = world;
    const clusters: Record<string, string> = {};
    await Promise.all(
      MEMBERS.map(async (m) => {
        await kubectlOk(env.kubectlPath, ['--kubeconfig', env.cluster(m).kubeconfig, 'apply', '-f', '-'], {
          input: appManifest(w.ns),
        });
      }),
    );
    for (const m of MEMBERS) clusters[m] = await w.register(m);
    const fixtures = join(REPO, 'test/integration/core/fixtures');
    await w.kubectl(
      'registry',
      '-n',
      w.ns,
      'create',
      'secret',
      'tls',
      'shop-tls',
      `--cert=${join(fixtures, 'shop-a.crt')}`,
      `--key=${join(fixtures, 'shop-a.key')}`,
    );
    const controller = await w.startController(['--health-poll-period', `${HEALTH_POLL_PERIOD_MS / 1000}s`]);
    const kc = new KubeConfig();
    kc.loadFromFile(env.registry.kubeconfig);
    const networking = kc.makeApiClient(NetworkingV1Api);
    log(`  world ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return {
      env,
      world: w,
      controller,
      clusters,
      networking,
      kc,
      setupSeconds: (performance.now() - started) / 1000,
      async stop() {
        await w.stop();
        await env.stop();
        // The controller's debug log and token file; failures already quoted the log's tail.
        rmSync(w.dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await world?.stop().catch(() => undefined);
    await env.stop();
    throw err;
  }
}

/** Creates an Ingress and waits (polling) until its status says it converged over every member. */
export async function createAndConverge(
  rw: RealWorld,
  name: string,
  host: string,
  timeoutMs: number,
): Promise<void> {
  const ns = rw.world.ns;
  await rw.networking.createNamespacedIngress({ namespace: ns, body: ingressObject(ns, name, host) });
  const clusters = Object.values(rw.clusters);
  await pollUntil(
    `${name} to converge over ${clusters.length} clusters`,
    async () => {
      const ing = await rw.networking.readNamespacedIngress({ name, namespace: ns });
      return isConverged(ing, clusters) ? true : undefined;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- controller log (tail) ---\n${rw.controller.log().slice(-4000)}`);
  });
}
