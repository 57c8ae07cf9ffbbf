/**
 * Seeding load balancers into the emulator before a measurement, faster than a controller could:
 * each Ingress's desired graph (from the controller's own translate) is inserted through the
 * emulator's request pipeline in-process (validation, referential integrity, call log; no socket),
 * with the emulator's limits off and operations DONE at once. Optionally the Ingress is marked as
 * converged (finalizer, status annotation and VIP), as a controller restarting would find it.
 * This is set-up, never part of a figure.
 */
import {
  toIngressStatus,
  statusToWrite,
  CLEANUP_FINALIZER,
  STATUS_ANNOTATION,
} from '../../src/controller/status-annotation.ts';
import { KINDS_IN_DEPENDENCY_ORDER } from '../../src/model/gce.ts';
import type { DesiredResource } from '../../src/model/gce.ts';
import type { MemberFacts } from '../../src/model/member-facts.ts';
import { revealSecrets } from '../../src/model/secret-value.ts';
import type { TranslateResult } from '../../src/model/translate.ts';
import { translate } from '../../src/translate/translate.ts';
import type { Emulator } from '../../test/emulator/index.ts';
import { Router } from '../../test/emulator/router.ts';
import { toCall } from '../../test/emulator/transport.ts';
import { INSTANCE_ID, PROJECT, SERVICES, negName, type Fleet, type FleetSpec } from './fleet.ts';

/** A seeding call the emulator refused: set-up failed, so the measurement would be meaningless. */
export class SeedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeedError';
  }
}

const COLLECTION: Readonly<Record<string, string>> = {
  addresses: 'addresses',
  healthChecks: 'healthChecks',
  backendServices: 'backendServices',
  urlMaps: 'urlMaps',
  targetHttpProxies: 'targetHttpProxies',
  targetHttpsProxies: 'targetHttpsProxies',
  sslCertificates: 'sslCertificates',
  globalForwardingRules: 'forwardingRules',
  firewalls: 'firewalls',
};

/** Translates one fleet Ingress as the reconcile would; throws SeedError on any translate error. */
export function translateFleetIngress(fleet: Fleet, key: string): TranslateResult {
  const [namespace = '', name = ''] = key.split('/');
  const registry = fleet.registry();
  const ingress = registry.ingress(namespace, name);
  if (!ingress) throw new SeedError(`no Ingress ${key}`);
  const memberFacts: Record<string, MemberFacts | undefined> = {};
  for (const c of registry.clusters()) memberFacts[c.name] = fleet.facts(c.name, namespace);
  const secrets = Object.fromEntries(
    (ingress.spec?.tls ?? []).map((t) => [
      t.secretName ?? '',
      registry.secret(namespace, t.secretName ?? ''),
    ]),
  );
  const result = translate(
    { ingress, clusters: registry.clusters(), memberFacts, secrets },
    { project: PROJECT, instanceId: INSTANCE_ID },
  );
  if (result.errors.length > 0 || result.clusterProblems.length > 0) {
    const all = [...result.errors.map((e) => e.message), ...result.clusterProblems.map((p) => p.message)];
    throw new SeedError(`${key} does not translate cleanly: ${all.join('; ')}`);
  }
  return result;
}

/** Sends one call through the emulator's request pipeline in-process; throws SeedError unless 200. */
function sender(
  emulator: Emulator,
): (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>> {
  const router = new Router();
  return async (method, path, body) => {
    const out = await emulator.core.serve(
      toCall(
        router,
        method,
        `/compute/v1/projects/${PROJECT}/${path}`,
        body === undefined ? '' : JSON.stringify(body),
      ),
    );
    if (out.status !== 200) {
      throw new SeedError(
        `seeding ${method} ${path}: ${out.status} ${JSON.stringify(out.body).slice(0, 300)}`,
      );
    }
    return out.body as Record<string, unknown>;
  };
}

/**
 * Creates every NEG the fleet's member facts name (one per cluster, namespace and Service port, in
 * the cluster's zone), as the members' NEG controllers would have. Resolves with how many.
 */
export async function seedNegs(emulator: Emulator, spec: FleetSpec): Promise<number> {
  const send = sender(emulator);
  let n = 0;
  for (const c of spec.clusters) {
    for (let ns = 0; ns < spec.namespaces; ns++) {
      for (const [service, s] of Object.entries(SERVICES)) {
        for (const p of s.ports) {
          await send('POST', `zones/${c.zone}/networkEndpointGroups`, {
            name: negName(c.name, `team-${ns}`, service, p.port),
            networkEndpointType: 'GCE_VM_IP_PORT',
            defaultPort: typeof p.targetPort === 'number' ? p.targetPort : p.port,
          });
          n++;
        }
      }
    }
  }
  return n;
}

/**
 * Inserts the load balancers of `keys` into the emulator (in dependency order, each call through
 * its pipeline) and, with `converged`, writes the status the controller would have written.
 * Resolves with the number of resources inserted. Throws SeedError on the first refused call.
 */
export async function seedLoadBalancers(
  emulator: Emulator,
  fleet: Fleet,
  keys: readonly string[],
  opts: {
    readonly converged?: boolean;
    /**
     * The VIP of each Ingress's address, when given (from 198.18.0.0/15, the emulator's pool):
     * spares the emulator's allocator, which scans every address and rule per candidate IP.
     */
    readonly addressIp?: (key: string) => string;
  } = {},
): Promise<number> {
  const send = sender(emulator);
  let inserted = 0;
  for (const key of keys) {
    const translation = translateFleetIngress(fleet, key);
    const byKind = new Map<string, DesiredResource[]>();
    for (const d of translation.desired) {
      if (d.external) continue;
      byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
    }
    for (const kind of KINDS_IN_DEPENDENCY_ORDER) {
      for (const d of byKind.get(kind) ?? []) {
        const body = revealSecrets(d.body) as Record<string, unknown>;
        if (d.kind === 'addresses' && opts.addressIp) body.address = opts.addressIp(key);
        await send('POST', `global/${COLLECTION[d.kind] ?? d.kind}`, body);
        inserted++;
      }
    }
    if (opts.converged) {
      const address = translation.frontend?.address.name ?? '';
      const vip = String((await send('GET', `global/addresses/${address}`)).address ?? '');
      markConverged(fleet, key, translation, vip);
    }
  }
  return inserted;
}

function markConverged(fleet: Fleet, key: string, translation: TranslateResult, vip: string): void {
  const ing = fleet.ingresses.get(key);
  if (!ing) return;
  const status = toIngressStatus({ translation, vip, generation: ing.metadata.generation });
  const annotation = statusToWrite(undefined, status, new Date().toISOString()) ?? '';
  fleet.ingresses.set(key, {
    ...ing,
    metadata: {
      ...ing.metadata,
      finalizers: [CLEANUP_FINALIZER],
      annotations: { ...ing.metadata.annotations, [STATUS_ANNOTATION]: annotation },
    },
    status: { loadBalancer: { ingress: [{ ip: vip }] } },
  });
}
