import type { V1Ingress } from '@kubernetes/client-node';
import { BehaviorSubject } from 'rxjs';
import { memberFactsOf, type MemberNeed } from '../kube/member-needs.ts';
import {
  deleteIngressCopy,
  ensureDerivedService,
  ensureIngressCopy,
  releaseDerivedService,
  type MemberTarget,
} from '../kube/member-objects.ts';
import type { Logger } from '../log/logger.ts';
import type { MemberFacts } from '../model/member-facts.ts';
import {
  EMPTY_DEPENDENCY_INDEX,
  withDependencies,
  type DependencyIndex,
} from '../pipeline/dependency-index.ts';
import type { MemberView } from './reconcile-ingress.ts';

/** What the manager needs from the inventory. */
export interface MemberSessions {
  session(cluster: string):
    | {
        facts(namespace: string, options?: { ingress?: string }): MemberFacts;
        setNeeds(needs: readonly MemberNeed[]): void;
      }
    | undefined;
  target(cluster: string): MemberTarget | undefined;
}

interface IngressNeeds {
  readonly need: MemberNeed;
  readonly clusters: readonly string[];
}

/**
 * The controller's side of member clusters for reconciles: what each Ingress needs from which
 * members (fed to the member sessions, and to the pipeline's dependency index so member changes
 * reach the right Ingresses), and the member-side objects each Ingress owns: derived Services
 * (`neg`) and Ingress copies (`instance-group`). Objects in a member are removed only after the
 * reconcile says its backends are detached (`removeLeaving`), or on `release`.
 */
export class MemberManager implements MemberView {
  readonly #sessions: MemberSessions;
  readonly #instanceId: string;
  readonly #log: Logger;
  readonly #needs = new Map<string, IngressNeeds>();
  /** The same needs by cluster, so one Ingress's change touches only its clusters' sessions. */
  readonly #byCluster = new Map<string, Map<string, MemberNeed>>();
  #index: DependencyIndex = EMPTY_DEPENDENCY_INDEX;
  /** Clusters where each Ingress has (or had) member-side objects, as far as this process knows. */
  readonly #placed = new Map<string, Map<string, MemberNeed>>();
  readonly dependencies$ = new BehaviorSubject<DependencyIndex>(EMPTY_DEPENDENCY_INDEX);

  constructor(opts: { sessions: MemberSessions; instanceId: string; log: Logger }) {
    this.#sessions = opts.sessions;
    this.#instanceId = opts.instanceId;
    this.#log = opts.log;
  }

  facts(cluster: string, namespace: string, ingress: string): MemberFacts | undefined {
    return this.#sessions.session(cluster)?.facts(namespace, { ingress });
  }

  /** Re-applies every Ingress's needs to the sessions (a member connected or reconnected). */
  refreshNeeds(): void {
    for (const [cluster, needs] of this.#byCluster)
      this.#sessions.session(cluster)?.setNeeds([...needs.values()]);
  }

  async sync(
    key: string,
    want: Parameters<MemberView['sync']>[1],
    opts: { removeLeaving: boolean; dryRun: boolean },
  ): Promise<{ errors: { cluster: string; message: string }[] }> {
    const [namespace = '', name = ''] = key.split('/');
    const need: MemberNeed = { namespace, ingress: name, services: want.services, mode: want.mode };
    this.#updateNeeds(key, { need, clusters: want.clusters });
    const errors: { cluster: string; message: string }[] = [];
    if (opts.dryRun) return { errors };
    const placed = this.#placed.get(key) ?? new Map<string, MemberNeed>();
    this.#placed.set(key, placed);
    await Promise.all(
      want.clusters.map(async (cluster) => {
        const target = this.#sessions.target(cluster);
        if (!target) return; // Not connected: translate already reports it for this cluster.
        try {
          if (want.mode === 'neg') {
            for (const d of want.derivedServices.filter((x) => x.cluster === cluster)) {
              await ensureDerivedService(target, {
                instanceId: this.#instanceId,
                namespace,
                service: d.service,
                ingress: name,
                ports: d.ports,
              });
            }
          } else {
            await ensureIngressCopy(target, {
              instanceId: this.#instanceId,
              ingress: want.ingress as V1Ingress,
            });
          }
          placed.set(cluster, need);
        } catch (err) {
          errors.push({ cluster, message: (err as Error).message });
        }
      }),
    );
    if (opts.removeLeaving) {
      for (const [cluster, old] of [...placed]) {
        if (want.clusters.includes(cluster) && old.mode === want.mode) continue;
        const result = await this.#remove(cluster, old);
        if (result) errors.push(result);
        else if (!want.clusters.includes(cluster)) placed.delete(cluster);
      }
    }
    return { errors };
  }

  async release(
    key: string,
    opts: { dryRun: boolean },
  ): Promise<{ errors: { cluster: string; message: string }[] }> {
    const errors: { cluster: string; message: string }[] = [];
    const placed = this.#placed.get(key);
    const known = this.#needs.get(key);
    if (!opts.dryRun) {
      // What this process placed, plus every cluster the Ingress last selected (a restarted
      // controller knows only the latter).
      const targets = new Map<string, MemberNeed>(placed ?? []);
      for (const c of known?.clusters ?? []) if (known && !targets.has(c)) targets.set(c, known.need);
      for (const [cluster, need] of targets) {
        const result = await this.#remove(cluster, need);
        if (result) errors.push(result);
      }
    }
    if (errors.length === 0) {
      this.#placed.delete(key);
      this.#updateNeeds(key, undefined);
    }
    return { errors };
  }

  async #remove(
    cluster: string,
    need: MemberNeed,
  ): Promise<{ cluster: string; message: string } | undefined> {
    const target = this.#sessions.target(cluster);
    if (!target) {
      this.#log.warn('cannot remove member-side objects of a disconnected cluster; the member keeps them', {
        cluster,
        ingress: `${need.namespace}/${need.ingress}`,
      });
      return undefined;
    }
    try {
      if (need.mode === 'neg') {
        for (const service of need.services) {
          await releaseDerivedService(target, {
            instanceId: this.#instanceId,
            namespace: need.namespace,
            service,
            ingress: need.ingress,
          });
        }
      } else {
        await deleteIngressCopy(target, {
          instanceId: this.#instanceId,
          namespace: need.namespace,
          name: need.ingress,
        });
      }
      return undefined;
    } catch (err) {
      return { cluster, message: (err as Error).message };
    }
  }

  /**
   * Records one Ingress's needs. Unchanged needs (every resync) cost nothing; a change touches
   * only the sessions of the clusters it gained or lost and that key in the dependency index.
   */
  #updateNeeds(key: string, next: IngressNeeds | undefined): void {
    const prev = this.#needs.get(key);
    if (prev && next && JSON.stringify(prev) === JSON.stringify(next)) return;
    if (next) this.#needs.set(key, next);
    else this.#needs.delete(key);
    for (const cluster of new Set([...(prev?.clusters ?? []), ...(next?.clusters ?? [])])) {
      const needs = this.#byCluster.get(cluster) ?? new Map<string, MemberNeed>();
      if (next?.clusters.includes(cluster)) needs.set(key, next.need);
      else needs.delete(key);
      if (needs.size > 0) this.#byCluster.set(cluster, needs);
      else this.#byCluster.delete(cluster);
      this.#sessions.session(cluster)?.setNeeds([...needs.values()]);
    }
    const facts = next ? next.clusters.flatMap((c) => memberFactsOf(c, this.#instanceId, next.need)) : [];
    this.#index = withDependencies(this.#index, key, facts);
    this.dependencies$.next(this.#index);
  }
}
