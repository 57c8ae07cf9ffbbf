import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestCluster, stopPids } from './cluster.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One cluster as `env.json` describes it. */
export interface EnvCluster {
  readonly name: string;
  readonly role: 'registry' | 'member';
  readonly server: string;
  readonly kubeconfig: string;
}

/** The contents of `<dir>/env.json`: what scripts and people need to reach the clusters. */
export interface EnvFile {
  clusters: EnvCluster[];
  [extra: string]: unknown;
}

/** Options for {@link startTestEnv}. */
export interface TestEnvOptions {
  /** How many member clusters besides the registry. */
  readonly members: number;
  /** Where the clusters keep their files; a new temporary directory by default. */
  readonly dir?: string;
  /** Leave the clusters running after this process exits (the `testenv up` command). */
  readonly detached?: boolean;
}

/**
 * Finds the kube-testenv binary: `$KUBE_TESTENV_BIN` (set by the Makefile), else the cached
 * build for the current sources, building it when missing (about 10 minutes cold).
 */
export function kubeTestenvBin(): string {
  const fromEnv = process.env.KUBE_TESTENV_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const out = execFileSync(join(repoRoot, 'tools/build-kube-testenv.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim();
}

/** A running set of clusters: `registry` and `member-1` … `member-N`. */
export class TestEnv {
  readonly dir: string;
  readonly bin: string;
  /** The kubectl built into kube-testenv (a link named kubectl, so plugins dispatch). */
  readonly kubectlPath: string;
  readonly #clusters: TestCluster[] = [];
  readonly #detached: boolean;
  readonly #removeDirOnStop: boolean;

  constructor(dir: string, bin: string, detached: boolean, removeDirOnStop = false) {
    this.dir = dir;
    this.#removeDirOnStop = removeDirOnStop;
    this.bin = bin;
    this.kubectlPath = join(dirname(bin), 'kubectl');
    this.#detached = detached;
  }

  /** The clusters in env.json form, registry first. */
  get clusters(): EnvCluster[] {
    return this.#clusters.map((c) => ({
      name: c.spec.name,
      role: c.spec.role,
      server: c.server,
      kubeconfig: c.kubeconfig,
    }));
  }

  /** The cluster called `name`; throws when there is none. */
  cluster(name: string): TestCluster {
    const c = this.#clusters.find((x) => x.spec.name === name);
    if (!c) throw new Error(`testenv: no cluster named ${name}`);
    return c;
  }

  /** The registry cluster. */
  get registry(): TestCluster {
    return this.cluster('registry');
  }

  /** Creates and starts clusters by name (in parallel). */
  async add(names: readonly { name: string; role: 'registry' | 'member' }[]): Promise<TestCluster[]> {
    const opts = { bin: this.bin, detached: this.#detached };
    const created = await Promise.all(names.map((n) => TestCluster.create(this.dir, n.name, n.role, opts)));
    this.#clusters.push(...created);
    try {
      await Promise.all(created.map((c) => c.start()));
    } finally {
      this.writeEnvFile();
    }
    return created;
  }

  /** Adds and starts the next member, `member-<N+1>`. */
  async addMember(): Promise<TestCluster> {
    const n = this.#clusters.filter((c) => c.spec.role === 'member').length + 1;
    const [c] = await this.add([{ name: `member-${n}`, role: 'member' }]);
    return c!;
  }

  /** Writes `env.json` (the clusters) and `state.json` (pids, for `testenv down`). */
  writeEnvFile(extra: Record<string, unknown> = {}): void {
    const envPath = join(this.dir, 'env.json');
    const previous = existsSync(envPath)
      ? (JSON.parse(readFileSync(envPath, 'utf8')) as EnvFile)
      : { clusters: [] };
    const env: EnvFile = { ...previous, ...extra, clusters: this.clusters };
    writeFileSync(envPath, JSON.stringify(env, null, 2) + '\n');
    const pids = this.#clusters.flatMap((c) => c.pids);
    const statePath = join(this.dir, 'state.json');
    const state = existsSync(statePath)
      ? (JSON.parse(readFileSync(statePath, 'utf8')) as { pids?: number[] })
      : {};
    writeFileSync(
      statePath,
      JSON.stringify({ ...state, pids: [...new Set([...(state.pids ?? []), ...pids])] }) + '\n',
    );
  }

  /** Stops every cluster. Their files stay in `dir`, unless it was a temporary directory of ours. */
  async stop(): Promise<void> {
    await Promise.all(this.#clusters.map((c) => c.stop()));
    if (this.#removeDirOnStop) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts a registry and `members` member clusters, each its own processes on free loopback
 * ports, and resolves once every apiserver answers /readyz. On failure, whatever started is
 * stopped again and the error carries the failing apiserver's log tail.
 */
export async function startTestEnv(opts: TestEnvOptions): Promise<TestEnv> {
  const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'kubemci-testenv-')));
  mkdirSync(dir, { recursive: true });
  const env = new TestEnv(dir, kubeTestenvBin(), opts.detached ?? false, opts.dir === undefined);
  const names = [
    { name: 'registry', role: 'registry' as const },
    ...Array.from({ length: opts.members }, (_, i) => ({ name: `member-${i + 1}`, role: 'member' as const })),
  ];
  try {
    await env.add(names);
  } catch (err) {
    await env.stop();
    throw err;
  }
  return env;
}

/** Stops the processes a detached `startTestEnv` recorded in `<dir>/state.json`. */
export async function stopDetached(dir: string): Promise<number> {
  const statePath = join(resolve(dir), 'state.json');
  if (!existsSync(statePath)) return 0;
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { pids?: number[] };
  const pids = state.pids ?? [];
  await stopPids(pids);
  writeFileSync(statePath, JSON.stringify({ ...state, pids: [] }) + '\n');
  return pids.length;
}
