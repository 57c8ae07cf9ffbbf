/**
 * Starts one simulator per member cluster of a test environment, all against one Compute
 * emulator, with what keeps them apart in one GCP project: each member its own zones, its own
 * pod range (disjoint alias IP ranges), and its own cluster UID (from its own kube-system).
 */
import { formatCidr, parseCidr, subnet } from './cidr.ts';
import { SimulatorError } from './errors.ts';
import { emulatorHealthSink, type EmulatorHealthHooks, type HealthSink } from './health-sink.ts';
import { MemberSimulator, type StopOptions } from './member-simulator.ts';
import type { MemberSimulatorOptions } from './options.ts';
import type { PodSelector } from './readiness.ts';

/** The clusters of a test environment (`TestEnv.clusters` has this shape). */
export interface ClusterList {
  readonly clusters: readonly { readonly name: string; readonly role: string; readonly kubeconfig: string }[];
}

/** The parts of a running Compute emulator the simulators use (`startEmulator` returns them). */
export interface EmulatorLike extends Partial<EmulatorHealthHooks> {
  /** The rootUrl for Google clients. */
  readonly endpoint: string;
  readonly project: string;
}

/** Options shared by every member, plus per-member overrides. */
export interface StartSimulatorsOptions extends Omit<
  MemberSimulatorOptions,
  'clusterName' | 'kubeconfig' | 'compute' | 'zones' | 'podCidr'
> {
  /** Which clusters to simulate (default: every cluster whose role is `member`). */
  readonly members?: readonly string[];
  /** Zones per member, in member order; default: a different region per member (see DEFAULT_ZONES). */
  readonly zones?: readonly (readonly string[])[];
  /** Options for one member by name, over the shared ones. */
  readonly perMember?: Readonly<Record<string, Partial<MemberSimulatorOptions>>>;
  /** How long a Compute operation may take to finish. */
  readonly operationTimeoutMs?: number;
}

/**
 * Default zones, member by member: two zones of us-central1 for the first, two of europe-west1
 * for the second, one of asia-east1 for the third, then again from the start (all zones the
 * emulator serves by default).
 */
export const DEFAULT_ZONES: readonly (readonly string[])[] = [
  ['us-central1-a', 'us-central1-b'],
  ['europe-west1-b', 'europe-west1-c'],
  ['asia-east1-a'],
];

/** The pod ranges members get, one /14 each, out of 10.0.0.0/8 from 10.4.0.0/14 on. */
function podCidrOf(index: number): string {
  return formatCidr(subnet(parseCidr('10.0.0.0/8'), 14, index + 1));
}

/** The running simulators of several members. */
export class Simulators {
  readonly members: ReadonlyMap<string, MemberSimulator>;

  constructor(members: ReadonlyMap<string, MemberSimulator>) {
    this.members = members;
  }

  /** The simulator of member `name`; throws SimulatorError when there is none. */
  get(name: string): MemberSimulator {
    const sim = this.members.get(name);
    if (!sim) throw new SimulatorError(`no simulator for cluster ${name}`);
    return sim;
  }

  /** Every simulator, in member order. */
  get all(): MemberSimulator[] {
    return [...this.members.values()];
  }

  /** {@link MemberSimulator.setReady} on every member. */
  async setReady(selector: PodSelector, ready: boolean): Promise<void> {
    await Promise.all(this.all.map((s) => s.setReady(selector, ready)));
  }

  /** Resolves once no member has queued or running work. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.all.map((s) => s.whenIdle()));
  }

  /** Every background error of every member. */
  get errors(): Error[] {
    return this.all.flatMap((s) => s.errors);
  }

  /** Stops every member (in parallel). */
  async stop(opts?: StopOptions): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop(opts)));
  }
}

/**
 * Starts a simulator for each member of `env` against `emulator` (or, with `undefined`, for
 * Kubernetes only: nodes without VMs, running pods, no NEGs or instance groups). Health goes to
 * the emulator's hooks unless `opts.healthSink` says otherwise. Resolves when all have started;
 * if one fails the others are stopped and the error names the member.
 */
export async function startSimulators(
  env: ClusterList,
  emulator: EmulatorLike | undefined,
  opts: StartSimulatorsOptions = {},
): Promise<Simulators> {
  const { members: only, zones, perMember, operationTimeoutMs, healthSink, ...shared } = opts;
  const clusters = env.clusters.filter((c) => (only ? only.includes(c.name) : c.role === 'member'));
  if (only) {
    for (const name of only) {
      if (!clusters.some((c) => c.name === name))
        throw new SimulatorError(`the environment has no cluster ${name}`);
    }
  }
  const sink: HealthSink | undefined =
    healthSink ??
    (emulator?.setInstanceHealth && emulator.setEndpointHealth
      ? emulatorHealthSink(emulator as EmulatorHealthHooks)
      : undefined);
  const sims = new Map<string, MemberSimulator>();
  clusters.forEach((c, i) => {
    const options: MemberSimulatorOptions = {
      ...shared,
      clusterName: c.name,
      kubeconfig: c.kubeconfig,
      compute: emulator
        ? { endpoint: emulator.endpoint, project: emulator.project, operationTimeoutMs }
        : undefined,
      healthSink: sink,
      zones: zones?.[i] ?? DEFAULT_ZONES[i % DEFAULT_ZONES.length],
      podCidr: podCidrOf(i),
      ...perMember?.[c.name],
    };
    sims.set(c.name, new MemberSimulator(options));
  });
  const results = await Promise.allSettled([...sims.values()].map((s) => s.start()));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) {
    await Promise.all([...sims.values()].map((s) => s.stop().catch(() => undefined)));
    const name = [...sims.keys()][failed];
    throw new SimulatorError(`simulator for ${name} failed to start`, {
      cause: (results[failed] as PromiseRejectedResult).reason,
    });
  }
  return new Simulators(sims);
}
