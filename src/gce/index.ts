/** The GCE call layer: the client, its options, errors, budget and clock. */
export { createGceClient, DEFAULT_GCE_ENDPOINT } from './compute-client.ts';
export type { GceClientOptions } from './compute-client.ts';
export type { GceClient, WriteResult, BackendGroupHealth } from './gce-client.ts';
export * from './errors.ts';
export { TokenBucketBudget, unlimitedBudget, DEFAULT_BUDGET_LIMITS } from './budget.ts';
export type { RequestBudget, MethodGroup, BucketLimits, BudgetLimits } from './budget.ts';
export type { CallRecord, CallLogHook } from './call-layer.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { COMPUTE_SCOPE, createTokenSource, describeCredentials } from './credentials.ts';
export type { GceCredentials, TokenSource, TokenFileSystem } from './credentials.ts';
export { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
export type { RetryPolicy } from './retry-policy.ts';
export type { Operation, OperationWaitOptions } from './operations.ts';
export { COLLECTIONS } from './collections.ts';
