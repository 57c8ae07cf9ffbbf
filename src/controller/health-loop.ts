import type { GceClient } from '../gce/gce-client.ts';
import type { Logger } from '../log/logger.ts';
import type { BackendSummary } from '../model/translate.ts';
import type { ControllerMetrics } from './metrics.ts';
import { healthKey, type BackendHealth } from './status-annotation.ts';

/** What the health loop polls: the backends of every Ingress, as its last reconcile translated them. */
export class BackendRegistry {
  readonly #byKey = new Map<string, readonly BackendSummary[]>();

  /** Records the backends of one Ingress (called by the reconcile after a translation). */
  set(key: string, backends: readonly BackendSummary[]): void {
    if (backends.length === 0) this.#byKey.delete(key);
    else this.#byKey.set(key, backends);
  }

  delete(key: string): void {
    this.#byKey.delete(key);
  }

  entries(): [string, readonly BackendSummary[]][] {
    return [...this.#byKey];
  }
}

/** Options for {@link startHealthLoop}. */
export interface HealthLoopOptions {
  readonly gce: GceClient;
  readonly backends: BackendRegistry;
  readonly periodMs: number;
  readonly log: Logger;
  readonly metrics?: ControllerMetrics;
  readonly now?: () => number;
  /** Called with an Ingress key whose backends' health changed, so its status is rewritten. */
  readonly onChange: (key: string) => void;
}

/** A running health loop. */
export interface HealthLoop {
  /** The last health seen, by `healthKey(backendService, cluster)`. */
  health(): ReadonlyMap<string, BackendHealth>;
  /** Runs one round now (tests, and the first round at start). */
  pollOnce(): Promise<void>;
  stop(): void;
}

/**
 * Polls `backendServices.getHealth` (one call per backend service and group) on its own period,
 * separate from reconciles: health changes often and costs reads, so it is never part of every
 * resync. Rounds never overlap; every call passes the GCE client's shared request budget. An
 * Ingress whose health counts changed is handed to `onChange`.
 */
export function startHealthLoop(opts: HealthLoopOptions): HealthLoop {
  const now = opts.now ?? Date.now;
  let current = new Map<string, BackendHealth>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;

  async function round(): Promise<void> {
    const next = new Map<string, BackendHealth>();
    const changedKeys = new Set<string>();
    for (const [key, backends] of opts.backends.entries()) {
      for (const b of backends) {
        for (const c of b.clusters) {
          let healthy = 0;
          let unhealthy = 0;
          for (const group of c.groups) {
            try {
              const h = await opts.gce.getHealth(b.backendService, group);
              for (const s of h.healthStatus ?? []) {
                if (s.healthState === 'HEALTHY') healthy++;
                else unhealthy++;
              }
            } catch (err) {
              opts.log.debug('getHealth failed', { backendService: b.backendService, group, error: err });
            }
          }
          const k = healthKey(b.backendService, c.cluster);
          const before = current.get(k);
          next.set(k, { healthy, unhealthy, checkedAt: new Date(now()).toISOString() });
          opts.metrics?.unhealthyBackends.set({ ingress: key, cluster: c.cluster }, unhealthy);
          if (!before || before.healthy !== healthy || before.unhealthy !== unhealthy) changedKeys.add(key);
        }
      }
    }
    current = next;
    for (const key of changedKeys) opts.onChange(key);
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch((err: unknown) => opts.log.warn('health round failed', { error: err }))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, opts.periodMs);
  };
  schedule();
  return {
    health: () => current,
    pollOnce: async () => {
      if (running) await running;
      await round();
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
