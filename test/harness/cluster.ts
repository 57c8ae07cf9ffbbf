import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { delay, freePort, startProcess, stopPid, tail, type ManagedProcess } from './processes.ts';

const execFileP = promisify(execFile);

/** The controllers a member cluster needs from kube-controller-manager (names as its --help lists them). */
export const CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
];

/** Where one cluster lives: its name, role, ports and files. Serialisable, so `testenv down` can find it. */
export interface ClusterSpec {
  readonly name: string;
  readonly role: 'registry' | 'member';
  readonly dir: string;
  readonly apiPort: number;
  readonly etcdPort: number;
}

/** Files inside a cluster's directory. */
export function clusterFiles(spec: ClusterSpec) {
  return {
    /** `<root>/<name>.kubeconfig`, the admin kubeconfig whose one context is named after the cluster. */
    kubeconfig: join(dirname(spec.dir), `${spec.name}.kubeconfig`),
    ca: join(spec.dir, 'ca.crt'),
    adminCert: join(spec.dir, 'admin.crt'),
    adminKey: join(spec.dir, 'admin.key'),
    apiserverLog: join(spec.dir, 'apiserver.log'),
    controllerManagerLog: join(spec.dir, 'controller-manager.log'),
  };
}

/** Options for starting a cluster's processes. */
export interface StartOptions {
  /** The kube-testenv binary. */
  readonly bin: string;
  /** Survive this process (the `testenv up` command); otherwise children die with it. */
  readonly detached?: boolean;
  /** How long to wait for /readyz before failing with the log tail. */
  readonly readyTimeoutMs?: number;
}

/**
 * One real Kubernetes cluster: kube-apiserver with its embedded etcd in one process, and
 * kube-controller-manager in another, on loopback ports, RBAC on.
 */
export class TestCluster {
  readonly spec: ClusterSpec;
  readonly server: string;
  readonly kubeconfig: string;
  #opts: StartOptions;
  #apiserver?: ManagedProcess;
  #controllerManager?: ManagedProcess;

  constructor(spec: ClusterSpec, opts: StartOptions) {
    this.spec = spec;
    this.#opts = opts;
    this.server = `https://127.0.0.1:${spec.apiPort}`;
    this.kubeconfig = clusterFiles(spec).kubeconfig;
  }

  /** Allocates ports and writes the PKI for a new cluster named `name` under `root`. */
  static async create(root: string, name: string, role: ClusterSpec['role'], opts: StartOptions) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const spec: ClusterSpec = { name, role, dir, apiPort: await freePort(), etcdPort: await freePort() };
    await execFileP(opts.bin, ['pki', `--dir=${dir}`, `--name=${name}`, `--port=${spec.apiPort}`]);
    copyFileSync(join(dir, 'admin.kubeconfig'), clusterFiles(spec).kubeconfig);
    return new TestCluster(spec, opts);
  }

  /** The pids of the running processes (for `testenv down` after a detached `up`). */
  get pids(): number[] {
    return [this.#apiserver, this.#controllerManager].filter((p) => p?.isRunning()).map((p) => p!.pid);
  }

  /** Starts the apiserver, waits for /readyz, then starts the controller manager. */
  async start(): Promise<void> {
    const { spec } = this;
    const files = clusterFiles(spec);
    const d = spec.dir;
    const watchdog = this.#opts.detached ? [] : [`--parent-pid=${process.pid}`];
    this.#apiserver = startProcess(
      `${spec.name}/apiserver`,
      this.#opts.bin,
      [
        'apiserver',
        ...watchdog,
        `--etcd-dir=${join(d, 'etcd')}`,
        `--etcd-port=${spec.etcdPort}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${spec.apiPort}`,
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        `--cert-dir=${d}`,
        `--tls-cert-file=${join(d, 'serving.crt')}`,
        `--tls-private-key-file=${join(d, 'serving.key')}`,
        `--client-ca-file=${files.ca}`,
        `--service-account-issuer=https://127.0.0.1:${spec.apiPort}`,
        `--service-account-key-file=${join(d, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(d, 'sa.key')}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        '--authorization-mode=RBAC',
        '--profiling=false',
        '--v=1',
      ],
      files.apiserverLog,
      { detached: this.#opts.detached },
    );
    await this.waitReady();
    this.#controllerManager = startProcess(
      `${spec.name}/controller-manager`,
      this.#opts.bin,
      [
        'controller-manager',
        ...watchdog,
        `--kubeconfig=${files.kubeconfig}`,
        `--authentication-kubeconfig=${files.kubeconfig}`,
        `--authorization-kubeconfig=${files.kubeconfig}`,
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        '--leader-elect=false',
        '--use-service-account-credentials=false',
        `--controllers=${CONTROLLERS.join(',')}`,
        `--service-account-private-key-file=${join(d, 'sa.key')}`,
        `--root-ca-file=${files.ca}`,
        '--concurrent-gc-syncs=2',
        '--v=1',
      ],
      files.controllerManagerLog,
      { detached: this.#opts.detached },
    );
  }

  /** Polls /readyz with the admin certificate until 200, or fails with the apiserver log tail. */
  async waitReady(): Promise<void> {
    const files = clusterFiles(this.spec);
    const deadline = Date.now() + (this.#opts.readyTimeoutMs ?? 90_000);
    let last = '';
    // Held locally: a concurrent stop() clears the field, and this loop must still end.
    const apiserver = this.#apiserver;
    while (Date.now() < deadline) {
      if (!apiserver || !apiserver.isRunning()) {
        throw new Error(
          `${this.spec.name}: kube-apiserver exited during start-up; last lines of ${files.apiserverLog}:\n${tail(files.apiserverLog)}`,
        );
      }
      try {
        const status = await getStatus(`${this.server}/readyz`, files);
        if (status === 200) return;
        last = `HTTP ${status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await delay(250);
    }
    throw new Error(
      `${this.spec.name}: /readyz not 200 after ${(this.#opts.readyTimeoutMs ?? 90_000) / 1000} s (last: ${last}); last lines of ${files.apiserverLog}:\n${tail(files.apiserverLog)}`,
    );
  }

  /** Stops both processes (SIGTERM, then SIGKILL after the grace period). Data stays on disk. */
  async stop(): Promise<void> {
    await Promise.all([this.#controllerManager?.stop(), this.#apiserver?.stop()]);
    this.#apiserver = undefined;
    this.#controllerManager = undefined;
  }

  /** Stops and starts again on the same ports and data, as a restarted control plane would. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /**
   * Compacts etcd at its current revision, so every watch resuming from an older
   * resourceVersion gets 410 Gone and has to relist.
   */
  async compact(): Promise<number> {
    const { stdout } = await execFileP(this.#opts.bin, [
      'compact',
      `--etcd=http://127.0.0.1:${this.spec.etcdPort}`,
    ]);
    return Number(stdout.trim());
  }
}

/** Stops processes recorded by a detached start. */
export async function stopPids(pids: readonly number[]): Promise<void> {
  await Promise.all(pids.map((pid) => stopPid(pid)));
}

function getStatus(url: string, files: ReturnType<typeof clusterFiles>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(files.ca),
        cert: readFileSync(files.adminCert),
        key: readFileSync(files.adminKey),
        timeout: 5000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
