/**
 * A list-watch cache over one Kubernetes collection, written for a clean stop: client-node's
 * ListWatch can leave a watch running when it is stopped while it lists or connects, which would
 * keep a test process alive. Here one loop owns the list and the watch, checks for a stop after
 * every await, and `stop()` resolves only once that loop has ended.
 */
import {
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { SimulatorError } from './errors.ts';

/** A change to the cache; `old` is the previous object for updates and deletes. */
export type CacheEvent<T> = {
  readonly type: 'added' | 'updated' | 'deleted';
  readonly object: T;
  readonly old?: T;
};

/** Options for {@link ListWatchCache}. */
export interface ListWatchOptions<T extends KubernetesObject> {
  /** The collection's path, e.g. `/api/v1/pods`. */
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  /** Called for every change, after the cache holds it. */
  readonly onEvent: (e: CacheEvent<T>) => void;
  /** Called when a list or watch fails (the loop then retries after a backoff). */
  readonly onError?: (err: Error) => void;
  /** First and largest retry delay; doubled in between. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** One collection, listed and then watched, in memory. */
export class ListWatchCache<T extends KubernetesObject> {
  readonly #kc: KubeConfig;
  readonly #opts: ListWatchOptions<T>;
  readonly #objects = new Map<string, T>();
  #resourceVersion = '';
  #stopped = false;
  #loop: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #sleepTimer: ReturnType<typeof setTimeout> | undefined;
  #synced!: Promise<void>;
  #markSynced!: () => void;

  constructor(kc: KubeConfig, opts: ListWatchOptions<T>) {
    this.#kc = kc;
    this.#opts = opts;
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  /** Starts listing and watching; {@link synced} resolves after the first complete list. */
  start(): void {
    if (this.#loop || this.#stopped) return;
    this.#loop = this.#run();
  }

  /** Resolves once the cache holds a complete list (never, if stopped before that). */
  get synced(): Promise<void> {
    return this.#synced;
  }

  /** The cached object `namespace/name` (or `name` for cluster-scoped objects). */
  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(keyOf(namespace, name));
  }

  /** Every cached object, optionally only those of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.#objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** Stops the watch and any pending retry, and resolves once nothing of it runs any more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    if (this.#sleepTimer) clearTimeout(this.#sleepTimer);
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const backoff = this.#opts.backoff ?? { initialMs: 250, maxMs: 10_000 };
    let delay = backoff.initialMs;
    while (!this.#stopped) {
      try {
        if (!this.#resourceVersion) await this.#relist();
        if (this.#stopped) break;
        await this.#watchOnce();
        delay = backoff.initialMs;
      } catch (err) {
        if (this.#stopped) break;
        const status =
          (err as { statusCode?: number; code?: number }).statusCode ?? (err as { code?: number }).code;
        if (status === 410) {
          this.#resourceVersion = '';
          continue;
        }
        // The client's own inactivity timeout: the watch was quiet, not broken; resume at once.
        if ((err as Error).name === 'TimeoutError') continue;
        this.#opts.onError?.(new SimulatorError(`watch ${this.#opts.path} failed`, { cause: err }));
        await this.#sleep(delay);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    }
  }

  async #relist(): Promise<void> {
    const list = await this.#opts.list();
    if (this.#stopped) return;
    const fresh = new Map<string, T>();
    for (const item of list.items)
      fresh.set(keyOf(item.metadata?.namespace, item.metadata?.name ?? ''), item);
    for (const [key, old] of [...this.#objects]) {
      if (!fresh.has(key)) {
        this.#objects.delete(key);
        this.#opts.onEvent({ type: 'deleted', object: old, old });
      }
    }
    for (const [key, object] of fresh) {
      const old = this.#objects.get(key);
      this.#objects.set(key, object);
      if (!old) this.#opts.onEvent({ type: 'added', object });
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
        this.#opts.onEvent({ type: 'updated', object, old });
      }
    }
    this.#resourceVersion = list.metadata?.resourceVersion ?? '';
    this.#markSynced();
  }

  #watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onLine = (type: string, object: T) => {
        if (this.#stopped) return;
        if (type === 'ERROR') {
          // A Status object: 410 means our resourceVersion is too old; the server ends the stream.
          if ((object as unknown as { code?: number }).code === 410) this.#resourceVersion = '';
          return;
        }
        const rv = object.metadata?.resourceVersion;
        if (rv) this.#resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const key = keyOf(object.metadata?.namespace, object.metadata?.name ?? '');
        const old = this.#objects.get(key);
        if (type === 'DELETED') {
          this.#objects.delete(key);
          this.#opts.onEvent({ type: 'deleted', object, old: old ?? object });
        } else {
          this.#objects.set(key, object);
          this.#opts.onEvent(old ? { type: 'updated', object, old } : { type: 'added', object });
        }
      };
      const done = (err: unknown) => {
        this.#abort = undefined;
        if (err) reject(err instanceof Error ? err : new SimulatorError(String(err)));
        else resolve();
      };
      new Watch(this.#kc)
        .watch(
          this.#opts.path,
          { resourceVersion: this.#resourceVersion, allowWatchBookmarks: true },
          onLine,
          done,
        )
        .then((controller) => {
          // A stop that came while connecting finds no controller to abort; abort it here.
          if (this.#stopped) controller.abort();
          else this.#abort = controller;
        }, reject);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#sleepTimer = setTimeout(resolve, ms);
    }).then(() => {
      this.#wake = undefined;
      this.#sleepTimer = undefined;
    });
  }
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
