import { expect } from 'chai';
import fc from 'fast-check';
import type { DesiredResource, ObservedResource, ResourceKind, ResourceRef } from '../../../src/model/gce.ts';
import type { Ingress } from '../../../src/model/ingress.ts';
import type { MemberFacts } from '../../../src/model/member-facts.ts';
import type { CheckedPlan, PlanStep } from '../../../src/model/plan.ts';
import { buildStepGraph } from '../../../src/apply/step-graph.ts';
import { derivedServiceName } from '../../../src/naming/gce-names.ts';
import { ownershipDescription } from '../../../src/naming/ownership.ts';
import { describePlan, hasChanges } from '../../../src/plan/describe-plan.ts';
import { PlanInputError, plan } from '../../../src/plan/plan.ts';
import { observedReferences } from '../../../src/plan/references.ts';
import { translate } from '../../../src/translate/translate.ts';
import { echo } from './gce-echo.ts';

const instanceId = 'uid-1';
const ingressKey = { namespace: 'shop', name: 'frontend' };
const options = { instanceId, ingress: ingressKey };
const cert = (n: string) => `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`;
const key = '-----BEGIN PRIVATE KEY-----\nU0VDUkVUS0VZ\n-----END PRIVATE KEY-----\n';

interface Variant {
  readonly annotations?: Record<string, string>;
  readonly tls?: boolean;
  readonly certContent?: string;
  readonly capacity?: string;
  readonly probePath?: string;
  readonly extraPath?: boolean;
  readonly tags?: string[];
}

/** The desired graph of a small Ingress (two clusters, NEG mode), with a few knobs to turn. */
function desiredFor(variant: Variant = {}): DesiredResource[] {
  const ingress: Ingress = {
    metadata: { ...ingressKey, annotations: variant.annotations ?? {} },
    spec: {
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 8080 } } },
              },
              ...(variant.extraPath === true
                ? [
                    {
                      path: '/admin',
                      pathType: 'Exact',
                      backend: { service: { name: 'api', port: { number: 8080 } } },
                    },
                  ]
                : []),
            ],
          },
        },
      ],
      ...(variant.tls === true ? { tls: [{ secretName: 'tls' }] } : {}),
    },
  };
  const facts = (zone: string): MemberFacts => ({
    reachable: true,
    services: {
      web: {
        ports: [{ port: 80, targetPort: 8080 }],
        readinessProbePaths: { '8080': [variant.probePath ?? '/healthz'] },
      },
      api: { ports: [{ port: 8080 }] },
    },
    negStatus: {
      [derivedServiceName(instanceId, 'shop', 'web')]: {
        networkEndpointGroups: { '80': `neg-web-${zone}` },
        zones: [zone],
      },
      [derivedServiceName(instanceId, 'shop', 'api')]: {
        networkEndpointGroups: { '8080': `neg-api-${zone}` },
        zones: [zone],
      },
    },
    nodeTags: variant.tags ?? ['node'],
  });
  const result = translate(
    {
      ingress,
      clusters: [
        {
          name: 'a',
          labels: { 'kubemci.io/enabled': 'true' },
          annotations: variant.capacity === undefined ? {} : { 'kubemci.io/capacity': variant.capacity },
        },
        { name: 'b', labels: { 'kubemci.io/enabled': 'true' } },
      ],
      memberFacts: { a: facts('us-east1-b'), b: facts('europe-west1-b') },
      secrets: { tls: { 'tls.crt': cert(variant.certContent ?? 'Q0VSVA=='), 'tls.key': key } },
    },
    { project: 'demo-project', instanceId },
  );
  expect(result.errors).to.deep.equal([]);
  expect(result.clusterProblems).to.deep.equal([]);
  return [...result.desired];
}

/** GCE's view after `desired` was applied: every resource echoed, forwarding rules on the address's IP. */
function applied(desired: readonly DesiredResource[], ip = '34.1.2.3'): ObservedResource[] {
  return desired.filter((d) => d.external !== true).map((d) => echo(d, { ip }));
}

const find = (p: CheckedPlan, kind: ResourceKind, name?: string): PlanStep => {
  const step = p.steps.find((s) => s.kind === kind && (name === undefined || s.name === name));
  expect(step, `${kind}/${name ?? '*'}`).to.not.equal(undefined);
  return step!;
};
const changes = (p: CheckedPlan) => p.steps.filter((s) => s.op !== 'nothing');
const nameOf = (desired: readonly DesiredResource[], kind: ResourceKind) =>
  desired.find((d) => d.kind === kind)!.name;
const ref = (kind: ResourceKind, name: string): ResourceRef => ({ kind, name });

/**
 * Orders a plan as an applier reading `dependsOn` must: a create, update or recreate after the
 * non-delete steps it names; a delete of R after every step naming R. Among ready steps, `picks`
 * chooses (default: plan order), standing in for any parallel schedule. Fails on a cycle.
 */
function schedule(p: CheckedPlan, picks: readonly number[] = []): PlanStep[] {
  const key = (r: ResourceRef) => `${r.kind}/${r.name}`;
  const stepOf = new Map(p.steps.map((s) => [key(s), s]));
  const waitsFor = (s: PlanStep): PlanStep[] =>
    s.op === 'nothing'
      ? []
      : s.op === 'delete'
        ? p.steps.filter((o) => o !== s && o.op !== 'nothing' && o.dependsOn.some((d) => key(d) === key(s)))
        : s.dependsOn.map((d) => stepOf.get(key(d))!).filter((d) => d.op !== 'nothing' && d.op !== 'delete');
  const done = new Set<PlanStep>();
  const order: PlanStep[] = [];
  while (done.size < p.steps.length) {
    const ready = p.steps.filter((s) => !done.has(s) && waitsFor(s).every((w) => done.has(w)));
    expect(ready, 'a dependency cycle').to.not.deep.equal([]);
    const next = ready[(picks[done.size] ?? 0) % ready.length]!;
    done.add(next);
    if (next.op !== 'nothing') order.push(next);
  }
  return order;
}

/** Applies steps to a model of GCE's reference graph, asserting its integrity rules on the way. */
function simulate(
  observed: readonly ObservedResource[],
  desired: readonly DesiredResource[],
  steps: readonly PlanStep[],
): void {
  const key = (r: ResourceRef) => `${r.kind}/${r.name}`;
  const refsOf = observedReferences(observed);
  const world = new Map(observed.map((o) => [key(o), (refsOf.get(key(o)) ?? []).map(key)]));
  const want = new Map(desired.map((d) => [key(d), d.dependsOn.map(key)]));
  for (const step of steps) {
    const k = key(step);
    const inUse = () =>
      [...world].filter(([other, refs]) => other !== k && refs.includes(k)).map(([other]) => other);
    if (step.op === 'delete' || step.op === 'recreate') {
      expect(inUse(), `${step.op} ${k} while in use`).to.deep.equal([]);
      world.delete(k);
    }
    if (step.op !== 'delete') {
      for (const ref of want.get(k)!)
        expect(world.has(ref), `${step.op} ${k} before ${ref} exists`).to.equal(true);
      world.set(k, want.get(k)!);
    }
  }
}

describe('plan: creating and keeping', () => {
  it('creates everything on an empty project, each waiting for what it references', () => {
    const desired = desiredFor();
    const p = plan([], desired, options);
    expect(p.problems).to.deep.equal([]);
    expect(p.steps.map((s) => s.op)).to.deep.equal(desired.map(() => 'create'));
    const firewall = ref('firewalls', nameOf(desired, 'firewalls'));
    for (const step of p.steps) {
      const resource = desired.find((d) => d.kind === step.kind && d.name === step.name)!;
      expect(step.body).to.equal(resource.body);
      // Backend services also wait for the new firewall rule, so their health checks pass at once.
      const order = step.kind === 'backendServices' ? [firewall] : [];
      expect(step.dependsOn).to.deep.equal([...resource.dependsOn, ...order]);
    }
    const fr = find(p, 'globalForwardingRules');
    expect(fr.dependsOn).to.deep.include(ref('addresses', nameOf(desired, 'addresses')));
    expect(fr.dependsOn).to.deep.include(ref('targetHttpProxies', nameOf(desired, 'targetHttpProxies')));
  });

  it('does nothing when GCE shows what was applied, server defaults and output fields included', () => {
    for (const variant of [
      {},
      { tls: true },
      { capacity: '0.5' },
      { annotations: { 'kubemci.io/backend-mode': 'neg' } },
    ]) {
      const desired = desiredFor(variant);
      const p = plan(applied(desired), desired, options);
      expect(changes(p), JSON.stringify(variant)).to.deep.equal([]);
      expect(hasChanges(p)).to.equal(false);
      expect(p.steps).to.have.length(desired.length);
    }
  });
});

describe('plan: updating in place', () => {
  it('patches a backend service whose capacity changed, with the observed fingerprint', () => {
    const observed = applied(desiredFor());
    const desired = desiredFor({ capacity: '0.5' });
    const p = plan(observed, desired, options);
    const changed = changes(p);
    expect(changed.map((s) => `${s.op} ${s.kind} ${s.method}`)).to.deep.equal([
      'update backendServices patch',
      'update backendServices patch',
    ]);
    for (const step of changed) {
      expect(step.fingerprint).to.equal('ZmluZ2VycHJpbnQ=');
      expect(step.body).to.include({ fingerprint: 'ZmluZ2VycHJpbnQ=' });
      expect(step.reason).to.match(/backends\[\d\]\.capacityScaler 1 -> 0\.5/);
      expect(step.body!.backends).to.deep.equal(desired.find((d) => d.name === step.name)!.body.backends);
    }
  });

  it('updates a URL map with a new path (PUT with fingerprint) and nothing else', () => {
    const desired = desiredFor({ extraPath: true });
    const p = plan(applied(desiredFor()), desired, options);
    const [step, ...rest] = changes(p);
    expect(rest).to.deep.equal([]);
    expect(step).to.include({
      op: 'update',
      kind: 'urlMaps',
      method: 'update',
      fingerprint: 'ZmluZ2VycHJpbnQ=',
    });
    expect(step!.body).to.deep.equal({
      ...desired.find((d) => d.kind === 'urlMaps')!.body,
      fingerprint: 'ZmluZ2VycHJpbnQ=',
    });
  });

  it('updates a health check whose probe path changed, without a fingerprint (health checks have none)', () => {
    const p = plan(applied(desiredFor()), desiredFor({ probePath: '/ready' }), options);
    const [step, ...rest] = changes(p);
    expect(rest).to.deep.equal([]);
    expect(step).to.include({ op: 'update', kind: 'healthChecks', method: 'update' });
    expect(step!.fingerprint).to.equal(undefined);
    expect(step!.reason).to.include('httpHealthCheck.requestPath "/healthz" -> "/ready"');
  });

  it('points an HTTP proxy at its URL map with setUrlMap', () => {
    const desired = desiredFor();
    const observed = applied(desired).map((o) =>
      o.kind === 'targetHttpProxies'
        ? {
            ...o,
            body: {
              ...o.body,
              urlMap: 'https://www.googleapis.com/compute/v1/projects/demo-project/global/urlMaps/old',
            },
          }
        : o,
    );
    const [step, ...rest] = changes(plan(observed, desired, options));
    expect(rest).to.deep.equal([]);
    expect(step).to.deep.include({
      op: 'update',
      kind: 'targetHttpProxies',
      method: 'setUrlMap',
      body: { urlMap: desired.find((d) => d.kind === 'targetHttpProxies')!.body.urlMap },
    });
  });

  it('repoints a forwarding rule with setTarget', () => {
    const desired = desiredFor();
    const observed = applied(desired).map((o) =>
      o.kind === 'globalForwardingRules'
        ? { ...o, body: { ...o.body, target: 'projects/demo-project/global/targetHttpProxies/old' } }
        : o,
    );
    const [step, ...rest] = changes(plan(observed, desired, options));
    expect(rest).to.deep.equal([]);
    expect(step).to.include({ op: 'update', kind: 'globalForwardingRules', method: 'setTarget' });
    expect(step!.body).to.deep.equal({
      target: desired.find((d) => d.kind === 'globalForwardingRules')!.body.target,
    });
  });

  it('updates a firewall whose tags changed, but not one whose lists are only reordered', () => {
    const desired = desiredFor({ tags: ['node', 'extra'] });
    expect(changes(plan(applied(desired), desired, options))).to.deep.equal([]);
    const [step, ...rest] = changes(plan(applied(desiredFor()), desired, options));
    expect(rest).to.deep.equal([]);
    expect(step).to.include({ op: 'update', kind: 'firewalls', method: 'update' });
  });

  it('uses setSslCertificates for a certificate change and patch when the URL map changes too', () => {
    const desired = desiredFor({ tls: true });
    const proxy = desired.find((d) => d.kind === 'targetHttpsProxies')!;
    const certsOnly = applied(desired).map((o) =>
      o.kind === 'targetHttpsProxies' ? { ...o, body: { ...o.body, sslCertificates: [] } } : o,
    );
    expect(find(plan(certsOnly, desired, options), 'targetHttpsProxies')).to.deep.include({
      op: 'update',
      method: 'setSslCertificates',
      body: { sslCertificates: proxy.body.sslCertificates },
    });
    const both = certsOnly.map((o) =>
      o.kind === 'targetHttpsProxies' ? { ...o, body: { ...o.body, urlMap: 'global/urlMaps/x' } } : o,
    );
    expect(find(plan(both, desired, options), 'targetHttpsProxies')).to.deep.include({
      op: 'update',
      method: 'patch',
      body: {
        urlMap: proxy.body.urlMap,
        sslCertificates: proxy.body.sslCertificates,
        fingerprint: 'ZmluZ2VycHJpbnQ=',
      },
    });
  });

  it('leaves an address that differs alone: recreating it would change the VIP', () => {
    const desired = desiredFor();
    const observed = applied(desired).map((o) =>
      o.kind === 'addresses' ? { ...o, body: { ...o.body, ipVersion: 'IPV6' } } : o,
    );
    const step = find(plan(observed, desired, options), 'addresses');
    expect(step.op).to.equal('nothing');
    expect(step.reason).to.include('cannot change in place');
  });
});

describe('plan: recreating', () => {
  it('recreates a forwarding rule whose port differs', () => {
    const desired = desiredFor();
    const observed = applied(desired).map((o) =>
      o.kind === 'globalForwardingRules' ? { ...o, body: { ...o.body, portRange: '8080' } } : o,
    );
    const [step, ...rest] = changes(plan(observed, desired, options));
    expect(rest).to.deep.equal([]);
    const fr = desired.find((d) => d.kind === 'globalForwardingRules')!;
    expect(step).to.deep.include({ op: 'recreate', body: fr.body, dependsOn: fr.dependsOn });
    expect(step!.reason).to.include('portRange cannot change in place');
  });

  it('moves to a user static IP: recreates the rule on it, then deletes our address', () => {
    const before = desiredFor();
    const after = desiredFor({ annotations: { 'kubernetes.io/ingress.global-static-ip-name': 'shop-vip' } });
    const ownAddress = nameOf(before, 'addresses');
    const staticIp = echo(
      { kind: 'addresses', name: 'shop-vip', body: { name: 'shop-vip' }, dependsOn: [] },
      { ip: '35.9.9.9' },
    );
    const p = plan([...applied(before), staticIp], after, options);
    expect(p.problems).to.deep.equal([]);
    const fr = find(p, 'globalForwardingRules');
    expect(fr.op).to.equal('recreate');
    expect(fr.reason).to.include('IPAddress "34.1.2.3" -> "35.9.9.9"');
    expect(fr.dependsOn).to.deep.include(ref('addresses', 'shop-vip'));
    expect(find(p, 'addresses', 'shop-vip')).to.include({ op: 'nothing' });
    // The recreate names the address it leaves, so that address's delete waits for it.
    expect(fr.dependsOn).to.deep.include(ref('addresses', ownAddress));
    const deleteAddress = find(p, 'addresses', ownAddress);
    expect(deleteAddress.op).to.equal('delete');
    expect(deleteAddress.dependsOn).to.deep.equal([]);
  });

  it('re-reserves an address deleted behind our back and moves the rule onto it', () => {
    const desired = desiredFor();
    const observed = applied(desired).filter((o) => o.kind !== 'addresses');
    const p = plan(observed, desired, options);
    expect(find(p, 'addresses').op).to.equal('create');
    const fr = find(p, 'globalForwardingRules');
    expect(fr.op).to.equal('recreate');
    expect(fr.dependsOn).to.deep.include(ref('addresses', nameOf(desired, 'addresses')));
  });
});

describe('plan: certificates', () => {
  it('rotates a certificate: create the new one, repoint the proxy, then delete the old one', () => {
    const before = desiredFor({ tls: true, certContent: 'T0xE' });
    const after = desiredFor({ tls: true, certContent: 'TkVX' });
    const oldCert = nameOf(before, 'sslCertificates');
    const newCert = nameOf(after, 'sslCertificates');
    expect(newCert).to.not.equal(oldCert);
    const p = plan(applied(before), after, options);
    expect(changes(p).map((s) => `${s.op} ${s.kind}`)).to.deep.equal([
      'create sslCertificates',
      'update targetHttpsProxies',
      'delete sslCertificates',
    ]);
    const proxy = find(p, 'targetHttpsProxies');
    expect(proxy.method).to.equal('setSslCertificates');
    expect(proxy.dependsOn).to.deep.include(ref('sslCertificates', newCert));
    // Naming the old certificate makes its delete wait for the repointing.
    expect(proxy.dependsOn).to.deep.include(ref('sslCertificates', oldCert));
    expect(find(p, 'sslCertificates', oldCert).dependsOn).to.deep.equal([]);
    expect(schedule(p).map((s) => `${s.op} ${s.kind}`)).to.deep.equal([
      'create sslCertificates',
      'update targetHttpsProxies',
      'delete sslCertificates',
    ]);
  });

  it('never prints a private key', () => {
    const p = plan([], desiredFor({ tls: true }), options);
    const printed = [JSON.stringify(p), ...describePlan(p, true)].join('\n');
    expect(printed).to.not.include('U0VDUkVUS0VZ');
    expect(JSON.stringify(find(p, 'sslCertificates').body)).to.include('"privateKey":"[redacted]"');
  });
});

describe('plan: deleting', () => {
  it('turning HTTP off deletes the rule, then the proxy, and nothing else', () => {
    const before = desiredFor({ tls: true });
    const after = desiredFor({ tls: true, annotations: { 'kubernetes.io/ingress.allow-http': 'false' } });
    const p = plan(applied(before), after, options);
    const changed = changes(p);
    expect(changed.map((s) => `${s.op} ${s.kind}`)).to.deep.equal([
      'delete globalForwardingRules',
      'delete targetHttpProxies',
    ]);
    expect(changed[0]!.dependsOn).to.deep.include(ref('targetHttpProxies', changed[1]!.name));
    expect(changed[1]!.dependsOn).to.deep.equal([ref('urlMaps', nameOf(before, 'urlMaps'))]);
    expect(schedule(p).map((s) => s.kind)).to.deep.equal(['globalForwardingRules', 'targetHttpProxies']);
  });

  it('tears everything down in reverse dependency order when nothing is desired', () => {
    const before = desiredFor({ tls: true });
    const p = plan(applied(before), [], options);
    expect(p.steps.every((s) => s.op === 'delete')).to.equal(true);
    expect(p.steps).to.have.length(before.length);
    const step = (kind: ResourceKind, part = '') =>
      p.steps.find((s) => s.kind === kind && s.name.includes(part))!;
    const refOfStep = (s: PlanStep) => ref(s.kind, s.name);
    // Each delete names what its resource referenced, so it goes before those.
    expect(step('globalForwardingRules', '-fr-').dependsOn).to.deep.equal([
      refOfStep(step('addresses')),
      refOfStep(step('targetHttpProxies')),
    ]);
    expect(step('targetHttpsProxies').dependsOn).to.deep.equal([
      refOfStep(step('sslCertificates')),
      refOfStep(step('urlMaps')),
    ]);
    expect(step('urlMaps').dependsOn.map((d) => d.kind)).to.deep.equal([
      'backendServices',
      'backendServices',
    ]);
    // A backend service delete also names the firewall, so the rule goes only once it is gone.
    expect(step('backendServices').dependsOn.map((d) => d.kind)).to.deep.equal(['healthChecks', 'firewalls']);
    for (const leaf of ['healthChecks', 'sslCertificates', 'firewalls', 'addresses'] as const) {
      expect(step(leaf).dependsOn).to.deep.equal([]);
    }
    const order = schedule(p).map((s) => s.kind);
    const last = (kind: ResourceKind) => order.lastIndexOf(kind);
    const first = (kind: ResourceKind) => order.indexOf(kind);
    expect(last('globalForwardingRules')).to.be.lessThan(first('targetHttpProxies'));
    expect(last('targetHttpsProxies')).to.be.lessThan(first('urlMaps'));
    expect(last('urlMaps')).to.be.lessThan(first('backendServices'));
    expect(last('backendServices')).to.be.lessThan(first('healthChecks'));
    expect(last('backendServices')).to.be.lessThan(first('firewalls'));
    // The list itself is in reverse dependency order.
    expect(p.steps[0]!.kind).to.equal('globalForwardingRules');
    expect(p.steps.at(-1)!.kind).to.equal('addresses');
  });

  it('deletes the backend service and health check of a backend no longer used, after the URL map update', () => {
    const before = desiredFor();
    const after = before.filter((d) => !d.name.includes('-api-'));
    const urlMap = after.find((d) => d.kind === 'urlMaps')!;
    const trimmed = [
      ...after.filter((d) => d.kind !== 'urlMaps'),
      {
        ...urlMap,
        dependsOn: urlMap.dependsOn.filter((dep) => !dep.name.includes('-api-')),
        body: { ...urlMap.body, hostRules: [], pathMatchers: [] },
      },
    ];
    const p = plan(applied(before), trimmed, options);
    const bs = p.steps.find((s) => s.kind === 'backendServices' && s.op === 'delete')!;
    const hc = p.steps.find((s) => s.kind === 'healthChecks' && s.op === 'delete')!;
    const urlMapStep = find(p, 'urlMaps');
    expect(urlMapStep.op).to.equal('update');
    expect(urlMapStep.dependsOn).to.deep.include(ref('backendServices', bs.name));
    expect(bs.dependsOn).to.deep.equal([ref('healthChecks', hc.name)]);
    expect(hc.dependsOn).to.deep.equal([]);
    expect(schedule(p).map((s) => `${s.op} ${s.kind}`)).to.deep.equal([
      'update urlMaps',
      'delete backendServices',
      'delete healthChecks',
    ]);
  });
});

describe('plan: firewall order', () => {
  const routingKinds: readonly ResourceKind[] = [
    'backendServices',
    'urlMaps',
    'targetHttpProxies',
    'targetHttpsProxies',
    'globalForwardingRules',
  ];
  const isWrite = (s: PlanStep) => s.op === 'create' || s.op === 'update' || s.op === 'recreate';
  const names = (s: PlanStep, r: ResourceRef) =>
    s.dependsOn.some((d) => d.kind === r.kind && d.name === r.name);
  const withFirewall = (observed: ObservedResource[], change: (body: Record<string, unknown>) => void) =>
    observed.map((o) => {
      if (o.kind !== 'firewalls') return o;
      const body = structuredClone(o.body) as Record<string, unknown>;
      change(body);
      return { ...o, body };
    });
  // Writes to every routing kind at once: capacity (backend services), a path (URL map), a stale
  // proxy URL map and a stale forwarding-rule target.
  const desiredRouting = () => desiredFor({ capacity: '0.5', extraPath: true });
  const staleRouting = (observed: ObservedResource[]) =>
    observed.map((o) =>
      o.kind === 'targetHttpProxies'
        ? { ...o, body: { ...o.body, urlMap: 'projects/demo-project/global/urlMaps/old' } }
        : o.kind === 'globalForwardingRules'
          ? { ...o, body: { ...o.body, target: 'projects/demo-project/global/targetHttpProxies/old' } }
          : o,
    );
  // A few schedules an applier may choose among ready steps; the applier's own graph (which also
  // orders deletes after updates of kinds that may reference them) must have no cycle either.
  const schedules = (p: CheckedPlan) => {
    expect([...buildStepGraph(p.steps).cyclic], 'steps on a cycle').to.deep.equal([]);
    return [[], [1, 1, 1, 1], [2, 0, 3, 1, 2, 5], [5, 4, 3, 2, 1, 0, 7, 7]].map((picks) =>
      schedule(p, picks),
    );
  };

  /** Asserts the firewall update goes after every routing write, in every schedule tried. */
  function expectClosesLast(p: CheckedPlan): void {
    const firewall = find(p, 'firewalls');
    expect(firewall.op).to.equal('update');
    const routing = p.steps.filter((s) => routingKinds.includes(s.kind) && isWrite(s));
    expect(routing.map((s) => s.kind)).to.include.members(
      routingKinds.filter((k) => k !== 'targetHttpsProxies'),
    );
    for (const step of routing) {
      expect(names(firewall, step), `firewall names ${step.kind}/${step.name}`).to.equal(true);
      expect(names(step, firewall), `${step.kind} names the firewall`).to.equal(false);
    }
    for (const order of schedules(p)) {
      const at = order.findIndex((s) => s.kind === 'firewalls');
      for (const step of routing) expect(order.indexOf(step)).to.be.lessThan(at);
    }
  }

  it('narrows the firewall after every routing write when a node tag goes (a cluster leaving)', () => {
    const observed = staleRouting(applied(desiredFor({ tags: ['node', 'leaving'] })));
    const p = plan(observed, desiredRouting(), options);
    expect(find(p, 'firewalls').reason).to.include('targetTags');
    expectClosesLast(p);
  });

  it('narrows the firewall after every routing write when a port goes', () => {
    const observed = withFirewall(staleRouting(applied(desiredFor())), (body) => {
      body.allowed = [{ IPProtocol: 'TCP', ports: ['8080', '30000-32767'] }];
    });
    expectClosesLast(plan(observed, desiredRouting(), options));
  });

  it('narrows the firewall after every routing write when a source range goes', () => {
    const observed = withFirewall(staleRouting(applied(desiredFor())), (body) => {
      body.sourceRanges = [...(body.sourceRanges as string[]), '10.0.0.0/8'];
    });
    expectClosesLast(plan(observed, desiredRouting(), options));
  });

  it('runs an update that both opens and closes (a port 80 -> 81) last, as one that closes', () => {
    const observed = withFirewall(staleRouting(applied(desiredFor())), (body) => {
      body.allowed = [{ IPProtocol: 'tcp', ports: ['8081'] }];
    });
    const p = plan(observed, desiredRouting(), options);
    expect(find(p, 'firewalls').reason).to.include('allowed');
    expectClosesLast(p);
  });

  it('widens the firewall before the backend services when it only adds (a cluster joining)', () => {
    const p = plan(
      applied(desiredFor()),
      desiredFor({ tags: ['node', 'joining'], capacity: '0.5', extraPath: true }),
      options,
    );
    const firewall = find(p, 'firewalls');
    expect(firewall.op).to.equal('update');
    expect(firewall.dependsOn).to.deep.equal([]);
    const services = p.steps.filter((s) => s.kind === 'backendServices');
    expect(services.map((s) => s.op)).to.deep.equal(['update', 'update']);
    for (const service of services) expect(names(service, firewall)).to.equal(true);
    // A URL map routes only to backend services, which wait for the rule themselves.
    expect(names(find(p, 'urlMaps'), firewall)).to.equal(false);
    for (const order of schedules(p)) {
      const at = order.indexOf(firewall);
      for (const service of services) expect(order.indexOf(service)).to.be.greaterThan(at);
    }
  });

  it('leaves the order alone when the firewall does not change', () => {
    const p = plan(applied(desiredFor()), desiredRouting(), options);
    expect(find(p, 'firewalls').op).to.equal('nothing');
    const desired = desiredRouting();
    for (const step of p.steps.filter(isWrite)) {
      const resource = desired.find((d) => d.kind === step.kind && d.name === step.name)!;
      expect(step.dependsOn, `${step.kind}/${step.name}`).to.deep.equal(resource.dependsOn);
    }
  });

  it('deletes a firewall that moves to another name after its replacement and the backend services', () => {
    const desired = desiredFor({ capacity: '0.5' });
    const newName = nameOf(desired, 'firewalls');
    const observed = applied(desiredFor()).map((o) =>
      o.kind === 'firewalls' ? { ...o, name: 'mci2-fw-old', body: { ...o.body, name: 'mci2-fw-old' } } : o,
    );
    const p = plan(observed, desired, options);
    const created = find(p, 'firewalls', newName);
    const old = find(p, 'firewalls', 'mci2-fw-old');
    expect([created.op, old.op]).to.deep.equal(['create', 'delete']);
    expect(created.dependsOn).to.deep.equal([ref('firewalls', 'mci2-fw-old')]);
    const services = p.steps.filter((s) => s.kind === 'backendServices');
    for (const service of services) {
      expect(service.op).to.equal('update');
      expect(names(service, created) && names(service, old)).to.equal(true);
    }
    for (const order of schedules(p)) {
      const kinds = order.map((s) => `${s.op} ${s.kind}`);
      expect(kinds[0]).to.equal('create firewalls');
      expect(kinds.at(-1)).to.equal('delete firewalls');
    }
  });

  it('deletes the firewall only after the backend services are gone when the Ingress goes', () => {
    const p = plan(applied(desiredFor({ tls: true })), [], options);
    const firewall = find(p, 'firewalls');
    const services = p.steps.filter((s) => s.kind === 'backendServices');
    expect(services).to.have.length(2);
    for (const service of services) expect(names(service, firewall)).to.equal(true);
    for (const order of schedules(p)) {
      const at = order.indexOf(firewall);
      for (const service of services) expect(order.indexOf(service)).to.be.lessThan(at);
    }
  });

  it('property: any change orders an opening firewall before and a closing one after the backends', () => {
    const graphs = [
      desiredFor(),
      desiredFor({ tags: ['node', 'extra'], capacity: '0.5' }),
      desiredFor({ tags: ['extra'], extraPath: true, tls: true }),
      desiredFor({ capacity: '0', probePath: '/ready' }),
    ];
    fc.assert(
      fc.property(
        fc.nat({ max: graphs.length - 1 }),
        fc.nat({ max: graphs.length }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (from, to, picks) => {
          const desired = graphs[to] ?? [];
          const p = plan(applied(graphs[from]!), desired, options);
          expect([...buildStepGraph(p.steps).cyclic], 'steps on a cycle').to.deep.equal([]);
          const order = schedule(p, picks);
          const at = (s: PlanStep) => order.indexOf(s);
          const firewalls = order.filter((s) => s.kind === 'firewalls');
          for (const firewall of firewalls) {
            const observedTags = graphs[from]!.find((d) => d.kind === 'firewalls')!.body
              .targetTags as string[];
            const desiredTags = (desired.find((d) => d.kind === 'firewalls')?.body.targetTags ??
              []) as string[];
            const closes = firewall.op === 'delete' || observedTags.some((t) => !desiredTags.includes(t));
            for (const step of order) {
              if (!routingKinds.includes(step.kind)) continue;
              if (closes && (isWrite(step) || (firewall.op === 'delete' && step.kind === 'backendServices')))
                expect(at(step), `${step.op} ${step.kind} before ${firewall.op} firewall`).to.be.lessThan(
                  at(firewall),
                );
              if (!closes && step.kind === 'backendServices' && isWrite(step))
                expect(at(step), `${step.op} ${step.kind} after ${firewall.op} firewall`).to.be.greaterThan(
                  at(firewall),
                );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('plan: ownership', () => {
  const desired = desiredFor();
  const foreign = (o: ObservedResource, description: string | undefined): ObservedResource => ({
    ...o,
    body: { ...o.body, description },
  });

  it('never touches a resource without our marker, even one with the name it wants', () => {
    const observed = applied(desired).map((o) => (o.kind === 'urlMaps' ? foreign(o, 'made by hand') : o));
    const changedUrlMap = desiredFor({ extraPath: true });
    const p = plan(observed, changedUrlMap, options);
    expect(find(p, 'urlMaps')).to.include({ op: 'nothing' });
    expect(p.problems.map((x) => `${x.code} ${x.kind}`)).to.deep.equal(['NotOwned urlMaps']);
    expect(p.problems[0]!.message).to.include('no ownership marker');
  });

  it('deletes only resources of this instance and Ingress', () => {
    const mk = (name: string, description: string | undefined): ObservedResource => ({
      kind: 'firewalls',
      name,
      body: { name, description },
    });
    const p = plan(
      [
        mk('mci2-fw-ours', ownershipDescription({ instanceId, ...ingressKey })),
        mk('mci2-fw-other-ingress', ownershipDescription({ instanceId, namespace: 'shop', name: 'other' })),
        mk('mci2-fw-other-instance', ownershipDescription({ instanceId: 'uid-2', ...ingressKey })),
        mk('mci2-fw-foreign', 'a look-alike'),
        mk('mci2-fw-undescribed', undefined),
      ],
      [],
      options,
    );
    expect(p.steps.map((s) => `${s.op} ${s.name}`)).to.deep.equal(['delete mci2-fw-ours']);
  });

  it('reports another Ingress owning a wanted name', () => {
    const observed = applied(desired).map((o) =>
      o.kind === 'firewalls'
        ? foreign(o, ownershipDescription({ instanceId, namespace: 'shop', name: 'other' }))
        : o,
    );
    const p = plan(observed, desired, options);
    expect(p.problems[0]!.message).to.include('belongs to Ingress shop/other');
  });
});

describe('plan: external resources', () => {
  const desired = desiredFor({
    tls: true,
    annotations: {
      'ingress.gcp.kubernetes.io/pre-shared-cert': 'managed',
      'kubernetes.io/ingress.global-static-ip-name': 'shop-vip',
    },
  });

  it('checks that they exist and never changes or deletes them', () => {
    const staticIp = echo({
      kind: 'addresses',
      name: 'shop-vip',
      body: { name: 'shop-vip', ipVersion: 'IPV6' },
      dependsOn: [],
    });
    const managed = echo({
      kind: 'sslCertificates',
      name: 'managed',
      body: { name: 'managed', description: 'user' },
      dependsOn: [],
    });
    const p = plan([...applied(desired), staticIp, managed], desired, options);
    expect(p.problems).to.deep.equal([]);
    expect(changes(p)).to.deep.equal([]);
    expect(plan([staticIp, managed], [], options).steps).to.deep.equal([]);
  });

  it('reports a missing one', () => {
    const p = plan(applied(desired), desired, options);
    expect(p.problems.map((x) => `${x.code} ${x.kind}/${x.name}`).sort()).to.deep.equal([
      'ExternalMissing addresses/shop-vip',
      'ExternalMissing sslCertificates/managed',
    ]);
    expect(describePlan(p).some((line) => line.startsWith('problem ExternalMissing'))).to.equal(true);
  });
});

describe('plan: input contract', () => {
  it('refuses a resource listed twice or a dependency that is not desired', () => {
    const desired = desiredFor();
    expect(() => plan([], [...desired, desired[0]!], options)).to.throw(PlanInputError, /twice/);
    expect(() => plan([...applied(desired), applied(desired)[0]!], desired, options)).to.throw(
      PlanInputError,
      /twice/,
    );
    expect(() =>
      plan(
        [],
        desired.filter((d) => d.kind !== 'healthChecks'),
        options,
      ),
    ).to.throw(PlanInputError, /not desired/);
  });
});

describe('plan: properties', () => {
  const variants: Variant[] = [
    {},
    { tls: true },
    { capacity: '0' },
    { extraPath: true, tls: true, certContent: 'TkVX' },
    { annotations: { 'kubernetes.io/ingress.allow-http': 'false' }, tls: true },
  ];
  const graphs = variants.map((v) => desiredFor(v));

  it('property: from any applied state to any desired one, dependsOn names steps and has no cycle', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: graphs.length - 1 }),
        fc.nat({ max: graphs.length - 1 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (from, to, keep, picks) => {
          const observed = applied(graphs[from]!).filter((_, i) => keep[i % keep.length]);
          const p = plan(observed, graphs[to]!, options);
          const keys = new Set(p.steps.map((s) => `${s.kind}/${s.name}`));
          expect(keys.size).to.equal(p.steps.length);
          for (const step of p.steps)
            for (const dep of step.dependsOn) expect(keys.has(`${dep.kind}/${dep.name}`)).to.equal(true);
          // Run the steps in an order the applier may choose and check GCE's referential
          // integrity at each: references exist when written, nothing in use is deleted.
          simulate(observed, graphs[to]!, schedule(p, picks));
          // Applying the plan and planning again changes nothing.
          expect(changes(plan(applied(graphs[to]!), graphs[to]!, options))).to.deep.equal([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
