/**
 * The controller's pipeline: pure RxJS operators from watch events to Ingress keys, and the work
 * queue that runs reconciles by key. No I/O; time only through an injected scheduler.
 */
export { DEFAULT_BACKOFF, backoffDelay, checkBackoffPolicy } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export { clusterChangeMatters, clusterEventsToKeys } from './cluster-keys.ts';
export type { ClusterFanOutOptions } from './cluster-keys.ts';
export { deepEqual } from './deep-equal.ts';
export { EMPTY_DEPENDENCY_INDEX, dependentsOf, factId, withDependencies } from './dependency-index.ts';
export type { DependencyIndex } from './dependency-index.ts';
export { ReconcileError } from './errors.ts';
export { ingressDeletions, ingressEventsToKeys } from './ingress-keys.ts';
export type { IngressKeyOptions } from './ingress-keys.ts';
export { EMPTY_INGRESS_SET, toIngressSet } from './ingress-set.ts';
export type { IngressSet } from './ingress-set.ts';
export { keyOf } from './keys.ts';
export { isObjectEvent } from './object-events.ts';
export { memberFactsToKeys } from './member-fact-keys.ts';
export type { MemberFactFanOutOptions } from './member-fact-keys.ts';
export { mergeTriggers } from './merge-triggers.ts';
export type { TriggerSources } from './merge-triggers.ts';
export type { Outcome, QueueDepth, ReconcileFn, ReconcileResult } from './outcome.ts';
export { CLEANUP_FINALIZER, STATUS_ANNOTATION, onlyOwnFieldsChanged } from './own-fields.ts';
export { resyncKeys } from './resync.ts';
export type { ResyncOptions } from './resync.ts';
export { namesSecret, secretEventsToKeys } from './secret-keys.ts';
export type { SecretFanOutOptions } from './secret-keys.ts';
export type * from './types.ts';
export { workQueue } from './work-queue.ts';
export type { WorkQueueOptions } from './work-queue.ts';
