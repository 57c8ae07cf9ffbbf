/**
 * An in-memory stand-in for the API calls `kubectl create cluster` makes, with the API
 * server's answers that matter here: 404 with a Status naming the object, 409 on create of an
 * existing object, 404 for a namespaced create in a missing namespace, uids, and a token
 * controller that fills service-account-token Secrets after a number of reads. Failures can
 * be injected per verb and resource.
 */
import { ApiException } from '@kubernetes/client-node';
import type { Clock } from '../../../src/cli/create-cluster/clock.ts';
import type { Endpoint } from '../../../src/kube/kube-call.ts';

type Obj = {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  [k: string]: unknown;
};

function status(code: number, reason: string, message: string, details?: object): ApiException<string> {
  return new ApiException(
    code,
    reason,
    JSON.stringify({ kind: 'Status', status: 'Failure', code, reason, message, details }),
    {},
  );
}

/** One fake cluster. */
export class FakeCluster {
  readonly endpoint: Endpoint;
  readonly objects = new Map<string, Obj>();
  /** `verb resource` (e.g. `create clusters`) → HTTP status to fail with. */
  readonly failures = new Map<string, number>();
  /** Reads of a token Secret before the token controller fills it; Infinity for never. */
  tokenDelayReads = 0;
  /** Whether the Cluster API (the CRD) is served. */
  servesClusters = true;
  /** Requests made, as `verb resource ns/name`, for assertions on what happened. */
  readonly log: string[] = [];
  #uid = 0;
  #tokenReads = new Map<string, number>();

  constructor(role: Endpoint['role']) {
    this.endpoint = { role, server: `https://${role}.invalid:6443` };
    this.put('namespaces', '', { metadata: { name: 'default' } });
  }

  /** Stores an object as if it had been created earlier. */
  put(resource: string, namespace: string, obj: Obj): void {
    const name = obj.metadata?.name ?? '';
    this.objects.set(this.key(resource, namespace, name), {
      ...obj,
      metadata: {
        ...obj.metadata,
        ...(namespace ? { namespace } : {}),
        uid: `uid-${++this.#uid}`,
        resourceVersion: '1',
      },
    });
  }

  /** The stored object, or undefined. */
  get(resource: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(this.key(resource, namespace, name));
  }

  /** Keys of all stored objects (`resource/ns/name`), sorted. */
  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  private key(resource: string, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  private check(verb: string, resource: string, namespace: string, name: string): void {
    this.log.push(`${verb} ${resource} ${namespace ? `${namespace}/` : ''}${name}`);
    const code = this.failures.get(`${verb} ${resource}`);
    if (code !== undefined)
      throw status(code, 'Injected', `${resource} "${name}" is forbidden: injected ${verb} failure`);
  }

  private async read(resource: string, namespace: string, name: string): Promise<Obj> {
    this.check('get', resource, namespace, name);
    const obj = this.get(resource, namespace, name);
    if (!obj) throw status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
    if (
      obj.type === 'kubernetes.io/service-account-token' &&
      !(obj.data as Record<string, string> | undefined)?.token
    ) {
      const key = this.key(resource, namespace, name);
      const reads = (this.#tokenReads.get(key) ?? 0) + 1;
      this.#tokenReads.set(key, reads);
      if (reads > this.tokenDelayReads) {
        obj.data = { token: Buffer.from(`token-of-${name}`).toString('base64') };
      }
    }
    return structuredClone(obj);
  }

  private async create(resource: string, namespace: string, input: object): Promise<Obj> {
    const body = input as Obj;
    const name = body.metadata?.name ?? '';
    this.check('create', resource, namespace, name);
    if (namespace && !this.get('namespaces', '', namespace)) {
      throw status(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    }
    if (this.get(resource, namespace, name)) {
      throw status(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
    }
    this.put(resource, namespace, structuredClone(body));
    return structuredClone(this.get(resource, namespace, name) as Obj);
  }

  private async replace(resource: string, namespace: string, name: string, body: object): Promise<Obj> {
    this.check('update', resource, namespace, name);
    if (!this.get(resource, namespace, name))
      throw status(404, 'NotFound', `${resource} "${name}" not found`, { name });
    this.objects.set(this.key(resource, namespace, name), structuredClone(body) as Obj);
    return structuredClone(body) as Obj;
  }

  private async remove(resource: string, namespace: string, name: string): Promise<object> {
    this.check('delete', resource, namespace, name);
    if (!this.objects.delete(this.key(resource, namespace, name))) {
      throw status(404, 'NotFound', `${resource} "${name}" not found`, { name });
    }
    if (resource === 'namespaces') {
      for (const key of [...this.objects.keys()]) if (key.split('/')[1] === name) this.objects.delete(key);
    }
    return {};
  }

  /** The CoreV1Api subset. */
  readonly core = {
    readNamespace: (p: { name: string }) => this.read('namespaces', '', p.name) as never,
    createNamespace: (p: { body: object }) => this.create('namespaces', '', p.body) as never,
    deleteNamespace: (p: { name: string }) => this.remove('namespaces', '', p.name) as never,
    readNamespacedServiceAccount: (p: { name: string; namespace: string }) =>
      this.read('serviceaccounts', p.namespace, p.name) as never,
    createNamespacedServiceAccount: (p: { namespace: string; body: object }) =>
      this.create('serviceaccounts', p.namespace, p.body) as never,
    deleteNamespacedServiceAccount: (p: { name: string; namespace: string }) =>
      this.remove('serviceaccounts', p.namespace, p.name) as never,
    readNamespacedSecret: (p: { name: string; namespace: string }) =>
      this.read('secrets', p.namespace, p.name) as never,
    createNamespacedSecret: (p: { namespace: string; body: object }) =>
      this.create('secrets', p.namespace, p.body) as never,
    replaceNamespacedSecret: (p: { name: string; namespace: string; body: object }) =>
      this.replace('secrets', p.namespace, p.name, p.body) as never,
    deleteNamespacedSecret: (p: { name: string; namespace: string }) =>
      this.remove('secrets', p.namespace, p.name) as never,
    listServiceForAllNamespaces: async () => {
      this.check('list', 'services', '', '');
      return { items: [] } as never;
    },
  };

  /** The RbacAuthorizationV1Api subset. */
  readonly rbac = {
    readClusterRole: (p: { name: string }) => this.read('clusterroles', '', p.name) as never,
    createClusterRole: (p: { body: object }) => this.create('clusterroles', '', p.body) as never,
    replaceClusterRole: (p: { name: string; body: object }) =>
      this.replace('clusterroles', '', p.name, p.body) as never,
    deleteClusterRole: (p: { name: string }) => this.remove('clusterroles', '', p.name) as never,
    readClusterRoleBinding: (p: { name: string }) => this.read('clusterrolebindings', '', p.name) as never,
    createClusterRoleBinding: (p: { body: object }) =>
      this.create('clusterrolebindings', '', p.body) as never,
    replaceClusterRoleBinding: (p: { name: string; body: object }) =>
      this.replace('clusterrolebindings', '', p.name, p.body) as never,
    deleteClusterRoleBinding: (p: { name: string }) =>
      this.remove('clusterrolebindings', '', p.name) as never,
  };

  /** The CustomObjectsApi subset, for clusters.clusterregistry.k8s.io only. */
  readonly custom = {
    getNamespacedCustomObject: async (p: { namespace: string; name: string; plural: string }) => {
      if (!this.servesClusters) {
        this.check('get', p.plural, p.namespace, p.name);
        throw status(404, 'NotFound', 'the server could not find the requested resource', {});
      }
      return this.read(p.plural, p.namespace, p.name);
    },
    createNamespacedCustomObject: (p: { namespace: string; plural: string; body: object }) =>
      this.create(p.plural, p.namespace, p.body),
    deleteNamespacedCustomObject: (p: { namespace: string; plural: string; name: string }) =>
      this.remove(p.plural, p.namespace, p.name),
  };
}

/** A clock that only moves when something sleeps. */
export function virtualClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}
