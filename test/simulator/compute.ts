/**
 * The few Compute Engine calls GKE's in-cluster controllers make, through the real client
 * (`@googleapis/compute`) so the emulator sees exactly what Google would. Mutations wait for their
 * zonal operation to be DONE, because a resource may only be referenced once its insert is done;
 * every failure, synchronous or in the operation, becomes one {@link ComputeCallError}.
 */
import { compute, type compute_v1 } from '@googleapis/compute';
import { randomUUID } from 'node:crypto';
import { ComputeCallError } from './errors.ts';

/** Where the Compute API is and which project the simulated cluster lives in. */
export interface ComputeTarget {
  /** The API's root URL (the emulator's `endpoint`), e.g. `http://127.0.0.1:PORT/`. */
  readonly endpoint: string;
  readonly project: string;
  /** How long a mutation may take to reach DONE. */
  readonly operationTimeoutMs?: number;
}

/** One endpoint of a GCE_VM_IP_PORT NEG, as the API takes and lists it. */
export interface ApiEndpoint {
  readonly instance: string;
  readonly ipAddress: string;
  readonly port: number;
}

/** The calls the simulator makes, named after the REST methods. */
export class ComputeApi {
  readonly project: string;
  readonly #api: compute_v1.Compute;
  readonly #opTimeoutMs: number;

  constructor(target: ComputeTarget) {
    this.project = target.project;
    this.#opTimeoutMs = target.operationTimeoutMs ?? 60_000;
    this.#api = compute({
      version: 'v1',
      rootUrl: new URL(target.endpoint).origin + '/',
      retry: false,
      retryConfig: { retry: 0, noResponseRetries: 0 },
      // Lets a call log tell the simulated GKE's calls from the controller's.
      userAgentDirectives: [{ product: 'kubemci-member-simulator', version: '1' }],
    });
  }

  /** `instances.insert`, then waits for the operation. */
  async insertInstance(zone: string, body: compute_v1.Schema$Instance): Promise<void> {
    await this.#mutate('instances.insert', zone, () =>
      this.#api.instances.insert({ project: this.project, zone, requestId: randomUUID(), requestBody: body }),
    );
  }

  /** `instances.get`; undefined on 404. */
  async getInstance(zone: string, name: string): Promise<compute_v1.Schema$Instance | undefined> {
    return this.#getOrUndefined('instances.get', () =>
      this.#api.instances.get({ project: this.project, zone, instance: name }),
    );
  }

  /** `instances.delete`; a missing instance counts as deleted. */
  async deleteInstance(zone: string, name: string): Promise<void> {
    await this.#deleteIgnoringNotFound('instances.delete', zone, () =>
      this.#api.instances.delete({ project: this.project, zone, instance: name, requestId: randomUUID() }),
    );
  }

  /** `instanceGroups.get`; undefined on 404. */
  async getInstanceGroup(zone: string, name: string): Promise<compute_v1.Schema$InstanceGroup | undefined> {
    return this.#getOrUndefined('instanceGroups.get', () =>
      this.#api.instanceGroups.get({ project: this.project, zone, instanceGroup: name }),
    );
  }

  /** `instanceGroups.insert` of an empty unmanaged group. */
  async insertInstanceGroup(zone: string, body: compute_v1.Schema$InstanceGroup): Promise<void> {
    await this.#mutate('instanceGroups.insert', zone, () =>
      this.#api.instanceGroups.insert({
        project: this.project,
        zone,
        requestId: randomUUID(),
        requestBody: body,
      }),
    );
  }

  /** `instanceGroups.delete`; a missing group counts as deleted. */
  async deleteInstanceGroup(zone: string, name: string): Promise<void> {
    await this.#deleteIgnoringNotFound('instanceGroups.delete', zone, () =>
      this.#api.instanceGroups.delete({
        project: this.project,
        zone,
        instanceGroup: name,
        requestId: randomUUID(),
      }),
    );
  }

  /** `instanceGroups.listInstances` (every page): the instance URLs of the members. */
  async listInstanceGroupMembers(zone: string, name: string): Promise<string[]> {
    const out: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.#call('instanceGroups.listInstances', () =>
        this.#api.instanceGroups.listInstances({
          project: this.project,
          zone,
          instanceGroup: name,
          pageToken,
          requestBody: { instanceState: 'ALL' },
        }),
      );
      for (const item of res.items ?? []) if (item.instance) out.push(item.instance);
      pageToken = res.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** `instanceGroups.addInstances` with instance URLs. */
  async addInstances(zone: string, group: string, instanceUrls: readonly string[]): Promise<void> {
    await this.#mutate('instanceGroups.addInstances', zone, () =>
      this.#api.instanceGroups.addInstances({
        project: this.project,
        zone,
        instanceGroup: group,
        requestId: randomUUID(),
        requestBody: { instances: instanceUrls.map((instance) => ({ instance })) },
      }),
    );
  }

  /** `instanceGroups.removeInstances` with instance URLs. */
  async removeInstances(zone: string, group: string, instanceUrls: readonly string[]): Promise<void> {
    await this.#mutate('instanceGroups.removeInstances', zone, () =>
      this.#api.instanceGroups.removeInstances({
        project: this.project,
        zone,
        instanceGroup: group,
        requestId: randomUUID(),
        requestBody: { instances: instanceUrls.map((instance) => ({ instance })) },
      }),
    );
  }

  /** `instanceGroups.setNamedPorts` (replaces the list), guarded by the group's fingerprint. */
  async setNamedPorts(
    zone: string,
    group: string,
    namedPorts: readonly compute_v1.Schema$NamedPort[],
    fingerprint: string | undefined,
  ): Promise<void> {
    await this.#mutate('instanceGroups.setNamedPorts', zone, () =>
      this.#api.instanceGroups.setNamedPorts({
        project: this.project,
        zone,
        instanceGroup: group,
        requestId: randomUUID(),
        requestBody: { namedPorts: [...namedPorts], ...(fingerprint ? { fingerprint } : {}) },
      }),
    );
  }

  /** `networkEndpointGroups.get`; undefined on 404. */
  async getNeg(zone: string, name: string): Promise<compute_v1.Schema$NetworkEndpointGroup | undefined> {
    return this.#getOrUndefined('networkEndpointGroups.get', () =>
      this.#api.networkEndpointGroups.get({ project: this.project, zone, networkEndpointGroup: name }),
    );
  }

  /** `networkEndpointGroups.list` (every page) of NEGs whose name starts with `prefix`. */
  async listNegs(zone: string, prefix: string): Promise<compute_v1.Schema$NetworkEndpointGroup[]> {
    const out: compute_v1.Schema$NetworkEndpointGroup[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.#call('networkEndpointGroups.list', () =>
        this.#api.networkEndpointGroups.list({
          project: this.project,
          zone,
          pageToken,
          filter: `name eq ${prefix}.*`,
        }),
      );
      out.push(...(res.items ?? []).filter((n) => n.name?.startsWith(prefix)));
      pageToken = res.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** `networkEndpointGroups.insert`. */
  async insertNeg(zone: string, body: compute_v1.Schema$NetworkEndpointGroup): Promise<void> {
    await this.#mutate('networkEndpointGroups.insert', zone, () =>
      this.#api.networkEndpointGroups.insert({
        project: this.project,
        zone,
        requestId: randomUUID(),
        requestBody: body,
      }),
    );
  }

  /** `networkEndpointGroups.delete`; a missing NEG counts as deleted. */
  async deleteNeg(zone: string, name: string): Promise<void> {
    await this.#deleteIgnoringNotFound('networkEndpointGroups.delete', zone, () =>
      this.#api.networkEndpointGroups.delete({
        project: this.project,
        zone,
        networkEndpointGroup: name,
        requestId: randomUUID(),
      }),
    );
  }

  /** `networkEndpointGroups.listNetworkEndpoints` (every page). */
  async listNegEndpoints(zone: string, name: string): Promise<ApiEndpoint[]> {
    const out: ApiEndpoint[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.#call('networkEndpointGroups.listNetworkEndpoints', () =>
        this.#api.networkEndpointGroups.listNetworkEndpoints({
          project: this.project,
          zone,
          networkEndpointGroup: name,
          pageToken,
          requestBody: { healthStatus: 'SKIP' },
        }),
      );
      for (const item of res.items ?? []) {
        const e = item.networkEndpoint;
        if (e?.ipAddress && e.port != null) {
          out.push({ instance: lastSegment(e.instance ?? ''), ipAddress: e.ipAddress, port: e.port });
        }
      }
      pageToken = res.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** `networkEndpointGroups.attachNetworkEndpoints`. */
  async attachEndpoints(zone: string, neg: string, endpoints: readonly ApiEndpoint[]): Promise<void> {
    await this.#mutate('networkEndpointGroups.attachNetworkEndpoints', zone, () =>
      this.#api.networkEndpointGroups.attachNetworkEndpoints({
        project: this.project,
        zone,
        networkEndpointGroup: neg,
        requestId: randomUUID(),
        requestBody: { networkEndpoints: endpoints.map((e) => ({ ...e })) },
      }),
    );
  }

  /** `networkEndpointGroups.detachNetworkEndpoints`. */
  async detachEndpoints(zone: string, neg: string, endpoints: readonly ApiEndpoint[]): Promise<void> {
    await this.#mutate('networkEndpointGroups.detachNetworkEndpoints', zone, () =>
      this.#api.networkEndpointGroups.detachNetworkEndpoints({
        project: this.project,
        zone,
        networkEndpointGroup: neg,
        requestId: randomUUID(),
        requestBody: { networkEndpoints: endpoints.map((e) => ({ ...e })) },
      }),
    );
  }

  async #call<T>(method: string, fn: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await fn()).data;
    } catch (err) {
      throw toComputeError(method, err);
    }
  }

  async #getOrUndefined<T>(method: string, fn: () => Promise<{ data: T }>): Promise<T | undefined> {
    try {
      return await this.#call(method, fn);
    } catch (err) {
      if (err instanceof ComputeCallError && err.notFound) return undefined;
      throw err;
    }
  }

  async #deleteIgnoringNotFound(
    method: string,
    zone: string,
    fn: () => Promise<{ data: compute_v1.Schema$Operation }>,
  ): Promise<void> {
    try {
      await this.#mutate(method, zone, fn);
    } catch (err) {
      if (err instanceof ComputeCallError && err.notFound) return;
      throw err;
    }
  }

  /** Sends a mutation and waits (with `zoneOperations.wait`) until its operation is DONE. */
  async #mutate(
    method: string,
    zone: string,
    fn: () => Promise<{ data: compute_v1.Schema$Operation }>,
  ): Promise<void> {
    let op = await this.#call(method, fn);
    const deadline = Date.now() + this.#opTimeoutMs;
    while (op.status !== 'DONE') {
      if (Date.now() > deadline) {
        throw new ComputeCallError(
          method,
          504,
          'timeout',
          `operation ${op.name} not DONE after ${this.#opTimeoutMs} ms`,
        );
      }
      const name = op.name;
      if (!name) throw new ComputeCallError(method, 500, 'invalidOperation', 'the operation has no name');
      op = await this.#call('zoneOperations.wait', () =>
        this.#api.zoneOperations.wait({ project: this.project, zone, operation: name }),
      );
    }
    const first = op.error?.errors?.[0];
    if (first) {
      throw new ComputeCallError(
        method,
        op.httpErrorStatusCode ?? 400,
        first.code ?? 'UNKNOWN',
        first.message ?? '',
        {
          cause: op.error,
        },
      );
    }
  }
}

/** The last path segment of a URL or path (`.../instances/n` → `n`). */
export function lastSegment(urlOrName: string): string {
  return urlOrName.slice(urlOrName.lastIndexOf('/') + 1);
}

function toComputeError(method: string, err: unknown): ComputeCallError {
  const e = err as {
    status?: number;
    code?: number | string;
    message?: string;
    response?: { status?: number; data?: { error?: { message?: string; errors?: { reason?: string }[] } } };
  };
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined) ?? 0;
  const body = e.response?.data?.error;
  const reason = body?.errors?.[0]?.reason ?? (status === 0 ? 'transport' : 'unknown');
  return new ComputeCallError(method, status, reason, body?.message ?? e.message ?? String(err), {
    cause: err,
  });
}
