import { expect } from 'chai';
import { pollUntil } from '../../harness/poll.ts';
import { startTestEnv, type TestEnv } from '../../harness/testenv.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { backendGroups, ingressStatus, metricValue, ourResources } from './world-queries.ts';
import { ingressManifest, startWorld, type ControllerProcess, type World } from './world.ts';

// Destructive: stops a member's apiserver, compacts and restarts the registry, kills the
// controller. It has its own registry and two members.
describe('kubemci-controller resilience (own environment)', function () {
  this.timeout(300_000);
  let env: TestEnv;
  let world: World;
  let controller: ControllerProcess;
  let c2: string;

  before(async () => {
    env = await startTestEnv({ members: 2 });
    world = await startWorld(env, { opLatencyMs: 20 });
    await world.deployApp('member-1');
    await world.deployApp('member-2');
    await world.register('member-1');
    c2 = await world.register('member-2');
  });
  after(async () => {
    await world?.stop();
    await env?.stop();
  });

  const apply = (manifest: string) =>
    kubectlOk(env.kubectlPath, ['--kubeconfig', env.registry.kubeconfig, 'apply', '-f', '-'], {
      input: manifest,
    });
  const withLog = (err: Error): never => {
    throw new Error(`${err.message}\n--- controller log (tail) ---\n${controller?.log().slice(-8000)}`);
  };
  const converged = (name: string, clusters: number) =>
    pollUntil(
      `${name} served by ${clusters} clusters`,
      async () => {
        const s = await ingressStatus(world, name);
        const served = s?.clusters.filter((c) => c.backends.some((b) => b.groups.length > 0)) ?? [];
        return s?.vip && served.length === clusters && !s.lastError ? s : undefined;
      },
      120_000,
    ).catch(withLog);

  it('converges to exactly the desired set after being killed with SIGKILL mid-reconcile', async () => {
    // Slow operations keep the first reconcile in flight long enough to kill it halfway.
    await world.emulator.setConfig({ opLatency: 400 });
    controller = await world.startController();
    await apply(ingressManifest(world.ns, 'shop'));
    await pollUntil(
      'the first writes of the reconcile',
      async () => {
        // The controller's own writes (the simulators write instances and NEGs too).
        const writes = world.emulator
          .calls()
          .filter((c) =>
            /^compute\.(globalAddresses|healthChecks|firewalls|backendServices)\.insert$/.test(c.method),
          );
        return writes.length >= 2 ? true : undefined;
      },
      60_000,
    ).catch(withLog);
    controller.child.kill('SIGKILL');
    await controller.stop();
    // Operations the killed process started still finish in GCE.
    const partial = await pollUntil(
      "the killed run's inserts to land",
      async () => {
        const r = await ourResources(world);
        return r.length > 0 ? r : undefined;
      },
      10_000,
    );
    await world.emulator.setConfig({ opLatency: 20 });
    controller = await world.startController();
    await converged('shop', 2);
    const resources = await ourResources(world);
    const kinds = resources.map((r) => r.kind);
    // One of each frontend resource, one health check and backend service for web:80.
    expect(kinds.sort()).to.deep.equal(
      [
        'addresses',
        'backendServices',
        'firewalls',
        'forwardingRules',
        'healthChecks',
        'targetHttpProxies',
        'urlMaps',
      ].sort(),
    );
    // It really was killed halfway; what it left was adopted, not duplicated (names are
    // deterministic, so a second copy could only appear under another name, and the kinds
    // above allow exactly one of each).
    expect(partial.length).to.be.greaterThan(0);
    expect(partial.length).to.be.lessThan(resources.length);
    expect(partial.every((p) => resources.some((r) => r.kind === p.kind && r.name === p.name))).to.equal(
      true,
    );
  });

  it('keeps serving when a member apiserver stops: backends unchanged, the problem reported', async () => {
    const before = await backendGroups(world, `${world.ns}/shop`);
    expect(before.some((g) => g.includes('europe-west1'))).to.equal(true);
    await env.cluster('member-2').stop();
    try {
      const condition = await pollUntil(
        'OK=False on the member-2 Cluster',
        async () => {
          const raw = await world.kubectl(
            'registry',
            '-n',
            world.inventory,
            'get',
            'clusters.clusterregistry.k8s.io',
            c2,
            '-o',
            'jsonpath={.status.conditions}',
          );
          const ok = (JSON.parse(raw || '[]') as { type: string; status: string; reason: string }[]).find(
            (c) => c.type === 'OK',
          );
          return ok?.status === 'False' ? ok : undefined;
        },
        60_000,
      ).catch(withLog);
      expect(condition.reason).to.equal('Unreachable');
      // A change to the Ingress still reconciles, and member-2 keeps its last-known backends.
      await apply(ingressManifest(world.ns, 'shop', { path: '/while-down' }));
      await pollUntil(
        'the URL map to take the change',
        async () => {
          const um = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'urlMaps');
          return JSON.stringify(um?.body).includes('/while-down') ? true : undefined;
        },
        60_000,
      ).catch(withLog);
      expect(await backendGroups(world, `${world.ns}/shop`)).to.deep.equal(before);
      const s = await ingressStatus(world, 'shop');
      expect(s?.vip).to.be.a('string');
      const problems = s?.clusters.find((c) => c.name === c2)?.problems.map((p) => p.code) ?? [];
      expect(problems).to.include('Unreachable');
    } finally {
      await env.cluster('member-2').start();
    }
    await converged('shop', 2);
  });

  it('relists after the registry loses its watch history, and converges on what changed meanwhile', async () => {
    await env.registry.compact();
    await env.registry.restart();
    await apply(ingressManifest(world.ns, 'shop', { host: 'after-compaction.example.com' }));
    await pollUntil(
      'the URL map to carry the new host',
      async () => {
        const um = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'urlMaps');
        return JSON.stringify(um?.body).includes('after-compaction.example.com') ? true : undefined;
      },
      90_000,
    ).catch(withLog);
    const health = await fetch(`http://127.0.0.1:${controller.metricsPort}/healthz`);
    expect(health.status).to.equal(200);
  });

  it("removes a deleted Cluster's backends", async () => {
    await world.kubectl('registry', '-n', world.inventory, 'delete', 'clusters.clusterregistry.k8s.io', c2);
    await pollUntil(
      'member-2 groups off the backend service',
      async () => {
        const groups = await backendGroups(world, `${world.ns}/shop`);
        return groups.length > 0 && !groups.some((g) => g.includes('europe-west1')) ? true : undefined;
      },
      90_000,
    ).catch(withLog);
    await converged('shop', 1);
  });

  it('hands over to a standby within the lease duration when the leader dies', async () => {
    await controller.stop();
    const leaseArgs = [
      '--leader-elect',
      '--leader-election-namespace',
      world.inventory,
      '--lease-duration',
      '4s',
    ];
    const a = await world.startController(leaseArgs);
    await pollUntil(
      'a leader',
      async () => ((await metricValue(a.metricsPort, 'kubemci_leader')) === 1 ? true : undefined),
      30_000,
    );
    const b = await world.startController(leaseArgs);
    // The standby does no work while the leader holds the lease.
    expect(await metricValue(b.metricsPort, 'kubemci_leader')).to.equal(0);
    a.child.kill('SIGKILL');
    await a.stop();
    const killedAt = Date.now();
    await pollUntil(
      'the standby to lead',
      async () => ((await metricValue(b.metricsPort, 'kubemci_leader')) === 1 ? true : undefined),
      30_000,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`      standby took over ${takeoverMs} ms after the leader was killed (lease 4 s)`);
    expect(takeoverMs).to.be.lessThan(4_000 + 4_000 / 3 + 2_000);
    controller = b;
    await apply(ingressManifest(world.ns, 'shop', { path: '/after-failover' }));
    await pollUntil(
      'the new leader to reconcile',
      async () => {
        const um = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'urlMaps');
        return JSON.stringify(um?.body).includes('/after-failover') ? true : undefined;
      },
      60_000,
    ).catch(withLog);
  });
});
