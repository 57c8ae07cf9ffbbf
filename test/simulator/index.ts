/**
 * The member-cluster simulator: GKE's in-cluster controllers, scheduler and kubelets, played
 * against a real member apiserver and the Compute emulator. Start one per member with
 * {@link startSimulators}, or one cluster with {@link MemberSimulator}.
 *
 * ```ts
 * const gce = await startEmulator();
 * const sims = await startSimulators(sharedEnv(), gce, { namespaces: [ns] });
 * await sims.get('member-1').setReady({ namespace: ns, labels: { app: 'web' } }, false);
 * await sims.stop();
 * ```
 */
export {
  INSTANCE_GROUPS_ANNOTATION,
  MULTI_CLUSTER_CLASS,
  NEG_ANNOTATION,
  NEG_STATUS_ANNOTATION,
  parseNegStatus,
} from './annotations.ts';
export type { InstanceGroupRef, NegStatus } from './annotations.ts';
export { ComputeCallError, KubeCallError, SimulatorConfigError, SimulatorError } from './errors.ts';
export { RecordingHealthSink, emulatorHealthSink, noHealthSink, teeHealthSinks } from './health-sink.ts';
export type { EmulatorHealthHooks, HealthSink, HealthState, ZonalRef } from './health-sink.ts';
export { MemberSimulator } from './member-simulator.ts';
export type { SimulatedNode, StopOptions } from './member-simulator.ts';
export { instanceGroupName, namedPortName, negName } from './names.ts';
export type { NegEndpointMode } from './neg-desired.ts';
export { SIMULATED_NODE_LABEL, ZONE_LABEL } from './node-pool.ts';
export type { MemberSimulatorOptions } from './options.ts';
export type { PodSelector } from './readiness.ts';
export { DEFAULT_ZONES, Simulators, startSimulators } from './start-simulators.ts';
export type { ClusterList, EmulatorLike, StartSimulatorsOptions } from './start-simulators.ts';
