import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';
import { Observable } from 'rxjs';

/** One change seen by a list-watch. `synced` follows every (re)list, once the cache holds it all. */
export type WatchEvent<T> =
  | { readonly type: 'added' | 'updated' | 'deleted'; readonly object: T }
  | { readonly type: 'synced' }
  | { readonly type: 'error'; readonly error: Error };

/** What `/healthz` needs to know about one watch. */
export interface WatchHealth {
  readonly name: string;
  /** When the watch last delivered an event or (re)connected, in ms since the epoch. */
  readonly lastActivity: number;
  readonly synced: boolean;
  readonly lastError?: string;
}

/** Options for {@link watchSource}. */
export interface WatchSourceOptions {
  /** A name for logs and health ("registry/clusters"). */
  readonly name: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** First and largest delay before restarting a watch that failed; doubled in between. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  /** The clock for health timestamps. */
  readonly now?: () => number;
  /**
   * Told the first error of each streak of failures (a refused list or watch, an outage), so
   * the owner can log it; the watch is restarted either way.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * A running list-watch: its events, its cache, and its health. Every subscription to events$
 * starts with the current cache (as 'added', then 'synced' once listed) and continues live.
 */
export interface WatchSource<T extends KubernetesObject> {
  readonly events$: Observable<WatchEvent<T>>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  health(): WatchHealth;
  /** Stops the watch; events$ completes. */
  stop(): Promise<void>;
}

/**
 * Lists and watches `path` with client-node's ListWatch, which relists on 410 Gone and
 * reconnects after its own inactivity timeout. Where ListWatch gives up (any other error, such
 * as a refused connection or a 403), this restarts it with exponential backoff, so a watch
 * never stays dead while the process runs. The watch runs from the call until `stop()`;
 * subscribing starts nothing, it replays the cache and then follows the live events.
 */
export function watchSource<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  listFn: ListPromise<T>,
  opts: WatchSourceOptions,
): WatchSource<T> {
  const now = opts.now ?? Date.now;
  const backoff = opts.backoffMs ?? { initial: 500, max: 30_000 };
  let lastActivity = now();
  let synced = false;
  let lastError: string | undefined;
  let stopped = false;
  let delay = backoff.initial;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<(e: WatchEvent<T>) => void>();
  const completions = new Set<() => void>();
  const emit = (e: WatchEvent<T>) => {
    for (const l of listeners) l(e);
  };

  // ListWatch keeps going if stopped while a list or a watch request is in flight; these two
  // guards end both: a list that returns after stop fails, and every watch request is tracked
  // and aborted on stop (or at once, if it connects after stop).
  const requests = new Set<AbortController>();
  const watch = new Watch(kc);
  const trackingWatch = Object.assign(Object.create(Watch.prototype) as Watch, {
    watch: async (...args: Parameters<Watch['watch']>) => {
      const controller = await watch.watch(...args);
      if (stopped) controller.abort();
      else requests.add(controller);
      controller.signal.addEventListener('abort', () => requests.delete(controller), { once: true });
      return controller;
    },
  });
  const informer = new ListWatch<T>(
    path,
    trackingWatch,
    async () => {
      synced = false;
      const list = await listFn();
      if (stopped) throw new Error(`watch ${opts.name} stopped`);
      // ListWatch fills its cache synchronously once this promise resolves; a macrotask runs
      // after that, so subscribers of 'synced' see a complete cache.
      setImmediate(() => {
        synced = true;
        lastError = undefined;
        delay = backoff.initial;
        lastActivity = now();
        emit({ type: 'synced' });
      });
      return list;
    },
    false,
    opts.labelSelector,
    opts.fieldSelector,
  );
  informer.on('add', (object) => {
    lastActivity = now();
    delay = backoff.initial;
    emit({ type: 'added', object });
  });
  informer.on('update', (object) => {
    lastActivity = now();
    emit({ type: 'updated', object });
  });
  informer.on('delete', (object) => {
    lastActivity = now();
    emit({ type: 'deleted', object });
  });
  // ListWatch reports 'connect' before every attempt, successful or not, so the backoff is
  // reset only by a successful list or a delivered event.
  informer.on('connect', () => {
    lastActivity = now();
  });
  informer.on('error', (err?: unknown) => {
    const error = err instanceof Error ? err : new Error(`watch ${opts.name} failed: ${String(err)}`);
    if (lastError === undefined) opts.onError?.(error);
    lastError = error.message;
    emit({ type: 'error', error });
    if (stopped) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!stopped) void informer.start().catch(() => undefined);
    }, delay);
    delay = Math.min(delay * 2, backoff.max);
  });
  void informer.start().catch(() => undefined);

  const events$ = new Observable<WatchEvent<T>>((subscriber) => {
    if (stopped) {
      subscriber.complete();
      return;
    }
    // Like an informer handler added late: a new subscriber first gets the cache as 'added'
    // events (and 'synced' if the list is done), then the live stream, so nothing that
    // happened before it subscribed is lost.
    for (const object of informer.list()) subscriber.next({ type: 'added', object });
    if (synced) subscriber.next({ type: 'synced' });
    const listener = (e: WatchEvent<T>) => subscriber.next(e);
    const complete = () => subscriber.complete();
    listeners.add(listener);
    completions.add(complete);
    return () => {
      listeners.delete(listener);
      completions.delete(complete);
    };
  });

  return {
    events$,
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    health: () => ({ name: opts.name, lastActivity, synced, lastError }),
    stop: async () => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await informer.stop();
      for (const r of [...requests]) r.abort();
      for (const c of [...completions]) c();
    },
  };
}
