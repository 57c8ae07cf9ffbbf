// Everything one controller end-to-end suite needs: the shared registry and members, its own
// Compute emulator and member simulators, its own inventory namespace and app namespace, the
// members registered with the real `kubectl create cluster`, and the controller as a process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { pollUntil } from '../../harness/poll.ts';
import type { TestEnv } from '../../harness/testenv.ts';
import { startSimulators, type Simulators } from '../../simulator/index.ts';
import { REPO, applyRegistryCrds, kubectlEnv, kubectlOk, uniqueName } from '../../harness/kubectl.ts';

/** One suite's world. */
export interface World {
  readonly env: TestEnv;
  readonly emulator: Emulator;
  readonly sims: Simulators;
  readonly inventory: string;
  readonly ns: string;
  readonly instanceId: string;
  readonly project: string;
  readonly dir: string;
  kubectl(cluster: string, ...args: string[]): Promise<string>;
  /** Registers a member with `kubectl create cluster`, tags it with the simulator's node tag. */
  register(member: string, opts?: { enable?: boolean; labels?: Record<string, string> }): Promise<string>;
  /** Deploys the demo app (Deployment + Service `web` on port 80 → 8080) in a member. */
  deployApp(member: string, replicas?: number): Promise<void>;
  /**
   * Starts `bin/kubemci-controller` with this world's flags plus `extra`, and resolves once it
   * logs "running". It talks to the registry as the admin unless `opts.kubeconfig` names
   * another kubeconfig (a ServiceAccount's, to hold it to that account's rights).
   */
  startController(extra?: string[], opts?: { kubeconfig?: string }): Promise<ControllerProcess>;
  stop(): Promise<void>;
}

/** The controller running as its own process. */
export interface ControllerProcess {
  readonly child: ChildProcess;
  /** The /metrics, /healthz and /readyz port. */
  readonly metricsPort: number;
  readonly logFile: string;
  log(): string;
  /** SIGTERM and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts an emulator and simulators beside the shared clusters and prepares namespaces. */
export async function startWorld(
  env: TestEnv,
  opts: {
    opLatencyMs?: number;
    members?: string[];
    /** Fixed namespace names instead of unique ones (created where missing, kept where present). */
    namespaces?: { inventory: string; app: string };
  } = {},
): Promise<World> {
  const ns = opts.namespaces?.app ?? uniqueName('app');
  const inventory = opts.namespaces?.inventory ?? uniqueName('inv');
  const project = 'kubemci-e2e';
  const instanceId = uniqueName('ctl');
  const dir = mkdtempSync(join(tmpdir(), 'kubemci-e2e-'));
  const tokenFile = join(dir, 'gce-token');
  writeFileSync(tokenFile, 'e2e-access-token\n');
  const emulator = await startEmulator({ project, opLatencyMs: opts.opLatencyMs ?? 20 });
  const members = opts.members ?? env.clusters.filter((c) => c.role === 'member').map((c) => c.name);
  const kubectl = (cluster: string, ...args: string[]) =>
    kubectlOk(env.kubectlPath, ['--kubeconfig', env.cluster(cluster).kubeconfig, ...args]);
  // Fixed names may exist already (registry-crds/ creates kube-multicluster-public), so they
  // are applied; unique names are new by construction.
  const createNamespace = (cluster: string, name: string) =>
    opts.namespaces
      ? kubectlOk(env.kubectlPath, ['--kubeconfig', env.cluster(cluster).kubeconfig, 'apply', '-f', '-'], {
          input: `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "${name}"}}`,
        })
      : kubectl(cluster, 'create', 'namespace', name);
  await applyRegistryCrds(env.kubectlPath, env.registry.kubeconfig);
  await createNamespace('registry', inventory);
  await createNamespace('registry', ns);
  for (const m of members) await createNamespace(m, ns);
  const sims = await startSimulators(
    { clusters: env.clusters.filter((c) => members.includes(c.name)) },
    emulator,
    { namespaces: [ns], nodePrefix: `${ns}-n` },
  );
  const children: ControllerProcess[] = [];
  const world: World = {
    env,
    emulator,
    sims,
    inventory,
    ns,
    instanceId,
    project,
    dir,
    kubectl,
    async register(member, o = {}) {
      const name = `${member}-${inventory}`.slice(0, 50);
      const labels = Object.entries(o.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      await kubectlOk(env.kubectlPath, [
        'create',
        'cluster',
        name,
        '--from-kubeconfig',
        env.cluster(member).kubeconfig,
        '--namespace',
        inventory,
        ...labels,
        ...(o.enable === false ? [] : ['--enable']),
        '--kubeconfig',
        env.registry.kubeconfig,
      ]);
      const tag = sims.get(member).networkTag;
      await kubectl(
        'registry',
        '-n',
        inventory,
        'annotate',
        'clusters.clusterregistry.k8s.io',
        name,
        `kubemci.io/node-tags=${tag}`,
      );
      return name;
    },
    async deployApp(member, replicas = 2) {
      const manifest = appManifest(ns, replicas);
      await kubectlOk(env.kubectlPath, ['--kubeconfig', env.cluster(member).kubeconfig, 'apply', '-f', '-'], {
        input: manifest,
      });
    },
    async startController(extra = [], o = {}) {
      const logFile = join(dir, `controller-${children.length + 1}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(
        join(REPO, 'bin/kubemci-controller'),
        [
          '--kubeconfig',
          o.kubeconfig ?? env.registry.kubeconfig,
          '--project',
          project,
          '--gce-endpoint',
          emulator.endpoint,
          '--access-token-file',
          tokenFile,
          '--instance-id',
          instanceId,
          '--inventory-namespaces',
          inventory,
          '--watch-namespaces',
          ns,
          '--metrics-addr',
          '127.0.0.1:0',
          '--cluster-status-period',
          '5s',
          '--health-poll-period',
          '2s',
          '--log-level',
          'debug',
          ...extra,
        ],
        { stdio: ['ignore', fd, fd], env: kubectlEnv() },
      );
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let metricsPort = 0;
      const proc: ControllerProcess = {
        child,
        get metricsPort() {
          return metricsPort;
        },
        logFile,
        log: () => readFileSync(logFile, 'utf8'),
        async stop(signal = 'SIGTERM') {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill(signal);
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          const code = await exited;
          clearTimeout(timer);
          return code;
        },
      };
      children.push(proc);
      const running = await pollUntil(
        'the controller to log "running"',
        async () =>
          proc
            .log()
            .split('\n')
            .find((l) => l.includes('"message":"running"')),
        30_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${proc.log().slice(-3000)}`);
      });
      metricsPort = (JSON.parse(running) as { metricsPort: number }).metricsPort;
      return proc;
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
      await sims.stop();
      await emulator.close();
    },
  };
  return world;
}

/** The demo app: a Deployment with an HTTP readiness probe and a Service `web` (80 → http/8080). */
export function appManifest(ns: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.invalid/web:1
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /healthz, port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;
}

/** A multicluster Ingress of class kubemci routing everything to `web:80`. */
export function ingressManifest(
  ns: string,
  name: string,
  extra: { host?: string; path?: string } = {},
): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  ingressClassName: kubemci
  defaultBackend: {service: {name: web, port: {number: 80}}}
  rules:
  - host: ${extra.host ?? 'shop.example.com'}
    http:
      paths:
      - {path: ${extra.path ?? '/'}, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`;
}
