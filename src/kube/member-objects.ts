/**
 * The objects the controller owns in member clusters (DESIGN §7): derived Services (`neg` mode)
 * and Ingress copies (`instance-group` mode). Each function is ensure = get → equal? skip :
 * create/update, returns a typed outcome, and runs under one deadline; a member that is down
 * fails only its own call, with a MemberCallError naming the cluster. Objects that are not ours
 * (no marker, or another controller instance's) are never changed or deleted.
 */
import type { KubeConfig, V1DeleteOptions, V1Ingress, V1Service } from '@kubernetes/client-node';
import { apiStatusCode, makeMemberApis, MemberCallError, type MemberApis } from './member-apis.ts';
import {
  DERIVED_FROM_LABEL,
  derivedServiceDiffers,
  derivedServiceName,
  parseOwners,
  toDerivedService,
  withOwner,
} from './member-derived-service.ts';
import {
  INGRESS_COPY_ANNOTATION,
  ingressCopyDiffers,
  ingressCopyName,
  toIngressCopy,
} from './member-ingress-copy.ts';
import { INSTANCE_ID_ANNOTATION, isOwnedByInstance, MANAGED_SELECTOR } from './member-ownership.ts';

/** What a call did to one member object. */
export type MemberObjectOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

/** The outcome for one object. */
export interface MemberObjectResult {
  readonly outcome: MemberObjectOutcome;
  readonly namespace: string;
  readonly name: string;
}

/** A member to act on: its Cluster's name (for messages) and the connection. */
export interface MemberTarget {
  readonly cluster: string;
  readonly kubeConfig: KubeConfig;
}

/** Options of every call here. */
export interface MemberCallOptions {
  /** The whole call (all its requests and retries) is abandoned after this long. Default 30 s. */
  readonly deadlineMs?: number;
}

/** Why a member object could not be ensured, other than the member failing to answer. */
export type MemberObjectProblem = 'NotOurs' | 'ServiceMissing';

/** A member object the controller will not or cannot write; the message names the cluster. */
export class MemberObjectError extends Error {
  override name = 'MemberObjectError';
  readonly cluster: string;
  readonly problem: MemberObjectProblem;

  constructor(cluster: string, problem: MemberObjectProblem, message: string) {
    super(`cluster ${cluster}: ${message}`);
    this.cluster = cluster;
    this.problem = problem;
  }
}

const DEFAULT_DEADLINE_MS = 30_000;
/** Optimistic-concurrency retries: another owner's ensure may write the same object meanwhile. */
const ATTEMPTS = 4;

/**
 * Ensures the derived Service of `service` (same namespace) exists with the user Service's
 * selector and ports and NEGs for the ports `ingress` needs (plus those of its other owners).
 * Rejects with MemberObjectError `ServiceMissing` when the user Service does not exist in the
 * member, `NotOurs` when another object holds the derived name, or MemberCallError.
 */
export async function ensureDerivedService(
  target: MemberTarget,
  args: {
    readonly instanceId: string;
    readonly namespace: string;
    readonly service: string;
    readonly ingress: string;
    readonly ports: readonly number[];
  },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult> {
  const { namespace } = args;
  const name = derivedServiceName(args.instanceId, namespace, args.service);
  return withDeadline(target, options, async (apis, call) => {
    for (let attempt = 1; ; attempt++) {
      const user = await call(`get Service ${namespace}/${args.service}`, () =>
        read(() => apis.core.readNamespacedService({ namespace, name: args.service })),
      );
      if (!user) {
        throw new MemberObjectError(
          target.cluster,
          'ServiceMissing',
          `Service ${namespace}/${args.service} not found; cannot derive ${name} from it`,
        );
      }
      const existing = await call(`get Service ${namespace}/${name}`, () =>
        read(() => apis.core.readNamespacedService({ namespace, name })),
      );
      if (existing && !isOwnedByInstance(existing, args.instanceId))
        throw notOurs(target, 'Service', namespace, name);
      const owners = withOwner(parseOwners(existing) ?? {}, args.ingress, args.ports);
      const desired = toDerivedService(user, { instanceId: args.instanceId, owners }, existing);
      const result = await writeService(apis, call, namespace, name, existing, desired, attempt);
      if (result) return { outcome: result, namespace, name };
    }
  });
}

/**
 * `ingress` no longer uses `service`'s derived Service: drops it from the owners, and deletes
 * the Service when no owner is left ('deleted'; 'updated' when others remain; 'unchanged' when
 * it was absent, not ours, or not owned by `ingress`). Rejects with MemberCallError.
 */
export async function releaseDerivedService(
  target: MemberTarget,
  args: {
    readonly instanceId: string;
    readonly namespace: string;
    readonly service: string;
    readonly ingress: string;
  },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult> {
  const { namespace } = args;
  const name = derivedServiceName(args.instanceId, namespace, args.service);
  return withDeadline(target, options, async (apis, call) => {
    for (let attempt = 1; ; attempt++) {
      const existing = await call(`get Service ${namespace}/${name}`, () =>
        read(() => apis.core.readNamespacedService({ namespace, name })),
      );
      if (!existing || !isOwnedByInstance(existing, args.instanceId))
        return { outcome: 'unchanged', namespace, name };
      const owners = parseOwners(existing);
      if (owners && Object.keys(owners).length > 0 && !(args.ingress in owners)) {
        return { outcome: 'unchanged', namespace, name };
      }
      const result = await dropOwners(apis, call, existing, owners ? [args.ingress] : undefined, attempt);
      if (result) return { outcome: result, namespace, name };
    }
  });
}

/**
 * Garbage collection of derived Services: removes from every derived Service of `instanceId`
 * (in all namespaces) the owners `isLive` rejects, and deletes those left without owners.
 * Services whose owners annotation does not parse are left alone. Resolves with what changed.
 * Rejects with MemberCallError.
 */
export async function gcDerivedServices(
  target: MemberTarget,
  args: { readonly instanceId: string; readonly isLive: (namespace: string, ingress: string) => boolean },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult[]> {
  return withDeadline(target, options, async (apis, call) => {
    const list = await call('list derived Services', () =>
      apis.core.listServiceForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
    );
    const results: MemberObjectResult[] = [];
    for (const found of list.items) {
      let service: V1Service | undefined = found;
      for (let attempt = 1; service; attempt++) {
        if (!isOwnedByInstance(service, args.instanceId)) break;
        const namespace: string = service.metadata?.namespace ?? '';
        const name: string = service.metadata?.name ?? '';
        const owners = parseOwners(service);
        if (!owners) break;
        const dead = Object.keys(owners).filter((ingress) => !args.isLive(namespace, ingress));
        if (dead.length === 0 && Object.keys(owners).length > 0) break;
        const outcome = await dropOwners(apis, call, service, dead, attempt);
        if (outcome) {
          results.push({ outcome, namespace, name });
          break;
        }
        service = await call(`get Service ${namespace}/${name}`, (): Promise<V1Service | undefined> =>
          read(() => apis.core.readNamespacedService({ namespace, name })),
        );
      }
    }
    return results;
  });
}

/**
 * Ensures the member's copy of `ingress` (see member-ingress-copy.ts). Rejects with
 * MemberObjectError `NotOurs` when another object holds the copy's name, or MemberCallError.
 */
export async function ensureIngressCopy(
  target: MemberTarget,
  args: { readonly instanceId: string; readonly ingress: V1Ingress },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult> {
  const namespace = args.ingress.metadata?.namespace ?? '';
  const name = ingressCopyName(args.instanceId, namespace, args.ingress.metadata?.name ?? '');
  return withDeadline(target, options, async (apis, call) => {
    for (let attempt = 1; ; attempt++) {
      const existing = await call(`get Ingress ${namespace}/${name}`, () =>
        read(() => apis.networking.readNamespacedIngress({ namespace, name })),
      );
      if (existing && !isOwnedByInstance(existing, args.instanceId))
        throw notOurs(target, 'Ingress', namespace, name);
      const desired = toIngressCopy(args.ingress, args.instanceId, existing);
      if (existing && !ingressCopyDiffers(existing, desired))
        return { outcome: 'unchanged', namespace, name };
      try {
        if (!existing) {
          await call(`create Ingress ${namespace}/${name}`, () =>
            apis.networking.createNamespacedIngress({ namespace, body: desired }),
          );
          return { outcome: 'created', namespace, name };
        }
        await call(`update Ingress ${namespace}/${name}`, () =>
          apis.networking.replaceNamespacedIngress({ namespace, name, body: desired }),
        );
        return { outcome: 'updated', namespace, name };
      } catch (err) {
        if (!isConflict(err) || attempt >= ATTEMPTS) throw err;
      }
    }
  });
}

/**
 * Deletes the member's copy of Ingress `namespace/name` ('unchanged' when absent or not ours).
 * Rejects with MemberCallError.
 */
export async function deleteIngressCopy(
  target: MemberTarget,
  args: { readonly instanceId: string; readonly namespace: string; readonly name: string },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult> {
  const { namespace } = args;
  const name = ingressCopyName(args.instanceId, namespace, args.name);
  return withDeadline(target, options, async (apis, call) => {
    const existing = await call(`get Ingress ${namespace}/${name}`, () =>
      read(() => apis.networking.readNamespacedIngress({ namespace, name })),
    );
    if (!existing || !isOwnedByInstance(existing, args.instanceId))
      return { outcome: 'unchanged', namespace, name };
    const deleted = await call(`delete Ingress ${namespace}/${name}`, () =>
      gone(() => apis.networking.deleteNamespacedIngress({ namespace, name, body: preconditions(existing) })),
    );
    return { outcome: deleted ? 'deleted' : 'unchanged', namespace, name };
  });
}

/**
 * Garbage collection of Ingress copies: deletes every copy of `instanceId` (in all namespaces)
 * whose original `isLive` rejects. Resolves with what it deleted. Rejects with MemberCallError.
 */
export async function gcIngressCopies(
  target: MemberTarget,
  args: { readonly instanceId: string; readonly isLive: (namespace: string, ingress: string) => boolean },
  options: MemberCallOptions = {},
): Promise<MemberObjectResult[]> {
  return withDeadline(target, options, async (apis, call) => {
    const list = await call('list Ingress copies', () =>
      apis.networking.listIngressForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
    );
    const results: MemberObjectResult[] = [];
    for (const copy of list.items) {
      const original = copy.metadata?.annotations?.[INGRESS_COPY_ANNOTATION];
      const namespace = copy.metadata?.namespace ?? '';
      const name = copy.metadata?.name ?? '';
      if (!isOwnedByInstance(copy, args.instanceId) || original === undefined) continue;
      if (args.isLive(namespace, original)) continue;
      const deleted = await call(`delete Ingress ${namespace}/${name}`, () =>
        gone(() => apis.networking.deleteNamespacedIngress({ namespace, name, body: preconditions(copy) })),
      );
      if (deleted) results.push({ outcome: 'deleted', namespace, name });
    }
    return results;
  });
}

type Call = <T>(action: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Runs `body` with clients whose requests all abort at the deadline; any failure that is not
 * already ours becomes a MemberCallError naming the cluster and the action.
 */
async function withDeadline<T>(
  target: MemberTarget,
  options: MemberCallOptions,
  body: (apis: MemberApis, call: Call) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const apis = makeMemberApis(target.kubeConfig, { signal });
  const call: Call = async (action, fn) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof MemberCallError || err instanceof MemberObjectError) throw err;
      throw new MemberCallError(target.cluster, action, err);
    }
  };
  return body(apis, call);
}

/** Creates or replaces a Service; undefined when a concurrent write made it try again. */
async function writeService(
  apis: MemberApis,
  call: Call,
  namespace: string,
  name: string,
  existing: V1Service | undefined,
  desired: V1Service,
  attempt: number,
): Promise<'created' | 'updated' | 'unchanged' | undefined> {
  if (existing && !derivedServiceDiffers(existing, desired)) return 'unchanged';
  try {
    if (!existing) {
      await call(`create Service ${namespace}/${name}`, () =>
        apis.core.createNamespacedService({ namespace, body: desired }),
      );
      return 'created';
    }
    await call(`update Service ${namespace}/${name}`, () =>
      apis.core.replaceNamespacedService({ namespace, name, body: desired }),
    );
    return 'updated';
  } catch (err) {
    if (isConflict(err) && attempt < ATTEMPTS) return undefined;
    throw err;
  }
}

/**
 * Removes `ingresses` from a derived Service's owners (all of them when undefined: the owners
 * could not be read) and deletes it when none is left. Undefined when a concurrent write made
 * it try again.
 */
async function dropOwners(
  apis: MemberApis,
  call: Call,
  existing: V1Service,
  ingresses: readonly string[] | undefined,
  attempt: number,
): Promise<MemberObjectOutcome | undefined> {
  const namespace = existing.metadata?.namespace ?? '';
  const name = existing.metadata?.name ?? '';
  let owners: Record<string, number[]> = ingresses === undefined ? {} : (parseOwners(existing) ?? {});
  for (const ingress of ingresses ?? []) owners = withOwner(owners, ingress, undefined);
  try {
    if (Object.keys(owners).length === 0) {
      const deleted = await call(`delete Service ${namespace}/${name}`, () =>
        gone(() => apis.core.deleteNamespacedService({ namespace, name, body: preconditions(existing) })),
      );
      return deleted ? 'deleted' : 'unchanged';
    }
    const instanceId = existing.metadata?.annotations?.[INSTANCE_ID_ANNOTATION] ?? '';
    const derivedFrom = existing.metadata?.labels?.[DERIVED_FROM_LABEL] ?? '';
    // The user Service may be gone; the derived one carries the same selector and ports.
    const user: V1Service = { metadata: { namespace, name: derivedFrom }, spec: existing.spec ?? {} };
    const desired = toDerivedService(user, { instanceId, owners }, existing);
    return await writeService(apis, call, namespace, name, existing, desired, attempt);
  } catch (err) {
    if (isConflict(err) && attempt < ATTEMPTS) return undefined;
    throw err;
  }
}

/** A delete only of the object we read: a concurrent re-create or owner change is not lost. */
function preconditions(object: { metadata?: { uid?: string; resourceVersion?: string } }): V1DeleteOptions {
  return {
    preconditions: {
      ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
      ...(object.metadata?.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
    },
  };
}

/** The object, or undefined on 404. */
async function read<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (apiStatusCode(err) === 404) return undefined;
    throw err;
  }
}

/** True when deleted, false when it was already gone (404). */
async function gone(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (apiStatusCode(err) === 404) return false;
    throw err;
  }
}

function isConflict(err: unknown): boolean {
  const status = err instanceof MemberCallError ? err.status : apiStatusCode(err);
  return status === 409;
}

function notOurs(target: MemberTarget, kind: string, namespace: string, name: string): MemberObjectError {
  return new MemberObjectError(
    target.cluster,
    'NotOurs',
    `${kind} ${namespace}/${name} exists and is not this controller's; leaving it alone`,
  );
}
