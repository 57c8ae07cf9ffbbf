/**
 * Runs keys through the controller's own work queue and reconcile, the way the composition root
 * wires them (`defer` adapts the Promise-based reconcile), and gathers what came out.
 */
import { defer, from, type Observable } from 'rxjs';
import { reconcileIngress, type ReconcileDeps } from '../../src/controller/reconcile-ingress.ts';
import { DEFAULT_BACKOFF, workQueue } from '../../src/pipeline/index.ts';
import type { ReconcileResult } from '../../src/pipeline/index.ts';

/** What a queue run produced. */
export interface QueueRun {
  readonly results: ReconcileResult[];
  /** Runs per key. */
  readonly runs: Map<string, number>;
  /** Runs whose outcome was an error (terminal or not). */
  readonly errors: ReconcileResult[];
}

/**
 * Feeds `keys$` to the work queue (concurrency as the controller's default, 4, unless given) and
 * resolves once the source has completed and every run it owed has finished. `onResult` sees
 * every result as it arrives.
 */
export function runQueue(
  deps: ReconcileDeps,
  keys$: Observable<string>,
  opts: { concurrency?: number; onResult?: (r: ReconcileResult) => void } = {},
): Promise<QueueRun> {
  const results: ReconcileResult[] = [];
  const runs = new Map<string, number>();
  return new Promise((resolve, reject) => {
    keys$
      .pipe(
        workQueue((key) => defer(() => from(reconcileIngress(deps, key))), {
          concurrency: opts.concurrency ?? 4,
          backoff: DEFAULT_BACKOFF,
        }),
      )
      .subscribe({
        next: (r) => {
          results.push(r);
          runs.set(r.key, (runs.get(r.key) ?? 0) + 1);
          opts.onResult?.(r);
        },
        error: reject,
        complete: () => resolve({ results, runs, errors: results.filter((r) => r.outcome.kind === 'error') }),
      });
  });
}

/** A one-line description of the first failed runs, for a failed setup step. */
export function describeErrors(run: QueueRun, max = 3): string {
  return run.errors
    .slice(0, max)
    .map((r) => `${r.key}: ${r.outcome.kind === 'error' ? r.outcome.error.message : r.outcome.kind}`)
    .join('; ');
}
