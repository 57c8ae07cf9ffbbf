import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.ts';

/** Options for {@link runLeaderElection}. */
export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity (pod name + a random suffix). */
  readonly identity: string;
  /** How long a lease holds without renewal; a standby takes over after it lapses. */
  readonly leaseDurationMs: number;
  /** How often the holder renews and a standby retries: a third of the duration by default. */
  readonly retryPeriodMs?: number;
  readonly now?: () => number;
  readonly log: Logger;
}

/** A running election: `leading` resolves once we hold the lease; `lost` resolves if we lose it. */
export interface LeaderElection {
  readonly leading: Promise<void>;
  readonly lost: Promise<void>;
  isLeader(): boolean;
  /** Stops renewing and, if leading, releases the lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/**
 * Takes and keeps a `coordination.k8s.io/v1` Lease, client-go style: a standby acquires the
 * lease when its `renewTime + leaseDurationSeconds` has passed; every write is guarded by the
 * resourceVersion read, so two replicas never both win. A holder that cannot renew within the
 * lease duration stops leading (`lost`), and the process should exit rather than run on.
 */
export function runLeaderElection(kc: KubeConfig, opts: LeaderElectionOptions): LeaderElection {
  const api = kc.makeApiClient(CoordinationV1Api);
  const now = opts.now ?? Date.now;
  const retry = opts.retryPeriodMs ?? Math.max(500, Math.floor(opts.leaseDurationMs / 3));
  const durationSec = Math.max(1, Math.round(opts.leaseDurationMs / 1000));
  let leader = false;
  let stopped = false;
  let lastRenew = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveLeading!: () => void;
  let resolveLost!: () => void;
  const leading = new Promise<void>((r) => (resolveLeading = r));
  const lost = new Promise<void>((r) => (resolveLost = r));

  const micro = (t: number) => new V1MicroTime(t);

  async function tryAcquireOrRenew(): Promise<boolean> {
    const t = now();
    let lease: V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ name: opts.name, namespace: opts.namespace });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
    const spec = {
      holderIdentity: opts.identity,
      leaseDurationSeconds: durationSec,
      renewTime: micro(t),
    };
    if (!lease) {
      await api.createNamespacedLease({
        namespace: opts.namespace,
        body: {
          metadata: { name: opts.name, namespace: opts.namespace },
          spec: { ...spec, acquireTime: micro(t), leaseTransitions: 0 },
        },
      });
      return true;
    }
    const holder = lease.spec?.holderIdentity;
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const expires = renewed + (lease.spec?.leaseDurationSeconds ?? durationSec) * 1000;
    if (holder && holder !== opts.identity && expires > t) return false;
    const takeover = holder !== opts.identity;
    await api.replaceNamespacedLease({
      name: opts.name,
      namespace: opts.namespace,
      body: {
        ...lease,
        spec: {
          ...lease.spec,
          ...spec,
          acquireTime: takeover ? micro(t) : lease.spec?.acquireTime,
          leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + (takeover && holder ? 1 : 0),
        },
      },
    });
    return true;
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    try {
      const ok = await tryAcquireOrRenew();
      if (ok) {
        lastRenew = now();
        if (!leader) {
          leader = true;
          opts.log.info('became leader', {
            lease: `${opts.namespace}/${opts.name}`,
            identity: opts.identity,
          });
          resolveLeading();
        }
      } else if (leader) {
        loseLeadership('another replica holds the lease');
        return;
      }
    } catch (err) {
      opts.log.warn('leader election: could not read or write the lease', { error: err });
    }
    if (leader && now() - lastRenew > opts.leaseDurationMs) {
      loseLeadership(`could not renew the lease for ${opts.leaseDurationMs} ms`);
      return;
    }
    if (!stopped) timer = setTimeout(() => void loop(), retry);
  }

  function loseLeadership(why: string): void {
    leader = false;
    stopped = true;
    opts.log.error('lost leadership', { reason: why });
    resolveLost();
  }

  void loop();
  return {
    leading,
    lost,
    isLeader: () => leader,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!leader) return;
      leader = false;
      try {
        const lease = await api.readNamespacedLease({ name: opts.name, namespace: opts.namespace });
        if (lease.spec?.holderIdentity === opts.identity) {
          // Releasing: an expired renew time lets a standby take over on its next try.
          await api.replaceNamespacedLease({
            name: opts.name,
            namespace: opts.namespace,
            body: {
              ...lease,
              spec: { ...lease.spec, holderIdentity: '', renewTime: micro(0), leaseDurationSeconds: 1 },
            },
          });
        }
      } catch (err) {
        opts.log.warn('leader election: could not release the lease', { error: err });
      }
    },
  };
}
