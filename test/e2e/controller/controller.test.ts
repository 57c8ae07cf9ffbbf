import { KubeConfig, NetworkingV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../harness/poll.ts';
import { REPO, kubectlOk } from '../../harness/kubectl.ts';
import { sharedEnv } from '../setup.ts';
import { backendGroups, ingressStatus, metricValue, ourResources, waitForServing } from './world-queries.ts';
import { ingressManifest, startWorld, type ControllerProcess, type World } from './world.ts';

// The controller as its own process against the shared registry and members, its own emulator
// and simulators, driven by real kubectl. These tests build on each other, in order.
describe('kubemci-controller end to end', function () {
  this.timeout(240_000);
  let world: World;
  let controller: ControllerProcess;
  let c1: string;
  let c2: string;
  const fixtures = join(REPO, 'test/integration/core/fixtures');

  before(async () => {
    world = await startWorld(sharedEnv(), { opLatencyMs: 20 });
    await world.deployApp('member-1');
    await world.deployApp('member-2');
    c1 = await world.register('member-1', { labels: { region: 'us' } });
    c2 = await world.register('member-2', { enable: false, labels: { region: 'eu' } });
    controller = await world.startController();
  });
  after(async () => {
    await world?.stop();
  });

  const apply = (manifest: string) =>
    kubectlOk(world.env.kubectlPath, ['--kubeconfig', world.env.registry.kubeconfig, 'apply', '-f', '-'], {
      input: manifest,
    });
  const withLog = (err: Error): never => {
    throw new Error(`${err.message}\n--- controller log (tail) ---\n${controller.log().slice(-8000)}`);
  };
  const member2Negs = async () =>
    (await backendGroups(world, `${world.ns}/shop`)).filter((g) => g.includes('europe-west1'));

  it('serves an Ingress of class kubemci: the VIP appears in status, backends from the enabled cluster only', async () => {
    await apply(ingressManifest(world.ns, 'shop'));
    const { ip, status: s } = await waitForServing(world, 'shop', withLog);
    expect(ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(s.vip).to.equal(ip);
    expect(s.clusters.map((c) => c.name)).to.deep.equal([c1]);
    const kinds = new Set((await ourResources(world, `${world.ns}/shop`)).map((r) => r.kind));
    expect([...kinds].sort()).to.deep.equal([
      'addresses',
      'backendServices',
      'firewalls',
      'forwardingRules',
      'healthChecks',
      'targetHttpProxies',
      'urlMaps',
    ]);
    expect(await member2Negs()).to.deep.equal([]);
  });

  it("adds a cluster's backends when it is enabled, with no other command", async () => {
    await world.kubectl(
      'registry',
      '-n',
      world.inventory,
      'label',
      'clusters.clusterregistry.k8s.io',
      c2,
      'kubemci.io/enabled=true',
    );
    const negs = await pollUntil(
      'member-2 NEGs on the backend service',
      async () => {
        const g = await member2Negs();
        return g.length > 0 ? g : undefined;
      },
      90_000,
    ).catch(withLog);
    expect(negs.every((g) => g.includes('/networkEndpointGroups/'))).to.equal(true);
    const s = await pollUntil(
      'both clusters in status',
      async () => {
        const st = await ingressStatus(world, 'shop');
        return st && st.clusters.length === 2 && st.clusters.every((c) => c.backends[0]?.groups.length)
          ? st
          : undefined;
      },
      60_000,
    ).catch(withLog);
    expect(s.clusters.map((c) => c.name).sort()).to.deep.equal([c1, c2].sort());
    const firewall = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'firewalls');
    expect(firewall?.body.targetTags).to.include.members([
      world.sims.get('member-1').networkTag,
      world.sims.get('member-2').networkTag,
    ]);
  });

  it('updates the URL map and proxies when the Ingress changes: host, path, TLS Secret', async () => {
    await world.kubectl(
      'registry',
      '-n',
      world.ns,
      'create',
      'secret',
      'tls',
      'shop-tls',
      `--cert=${join(fixtures, 'shop-a.crt')}`,
      `--key=${join(fixtures, 'shop-a.key')}`,
    );
    await apply(
      ingressManifest(world.ns, 'shop', { host: 'store.example.com', path: '/cart' }).replace(
        'spec:\n',
        'spec:\n  tls: [{secretName: shop-tls, hosts: [store.example.com]}]\n',
      ),
    );
    const urlMap = await pollUntil(
      'the URL map to carry the new host and path',
      async () => {
        const um = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'urlMaps');
        const json = JSON.stringify(um?.body ?? {});
        return json.includes('store.example.com') && json.includes('/cart') ? um : undefined;
      },
      90_000,
    ).catch(withLog);
    expect(JSON.stringify(urlMap.body)).not.to.include('shop.example.com');
    const https = await pollUntil(
      'an HTTPS proxy with our certificate',
      async () => {
        const r = await ourResources(world, `${world.ns}/shop`);
        const proxy = r.find((x) => x.kind === 'targetHttpsProxies');
        const certs = (proxy?.body.sslCertificates as string[] | undefined) ?? [];
        return certs.length === 1 && r.some((x) => x.kind === 'sslCertificates') ? r : undefined;
      },
      90_000,
    ).catch(withLog);
    expect(https.filter((r) => r.kind === 'forwardingRules')).to.have.length(2);
    // The private key never reaches the status or the controller's log.
    const key = readFileSync(join(fixtures, 'shop-a.key'), 'utf8').split('\n')[1]!;
    expect(JSON.stringify(await ingressStatus(world, 'shop'))).not.to.include(key);
    expect(controller.log()).not.to.include(key);
  });

  it('collapses a burst of 100 edits into few reconciles', async () => {
    const before = await metricValue(controller.metricsPort, 'kubemci_reconciles_total');
    const durationsBefore = await metricValue(
      controller.metricsPort,
      'kubemci_reconcile_duration_seconds_sum',
    );
    const kc = new KubeConfig();
    kc.loadFromFile(world.env.registry.kubeconfig);
    const api = kc.makeApiClient(NetworkingV1Api);
    const started = Date.now();
    // One client, as fast as it can: 100 edits of the Ingress, each a change the controller must see.
    for (let i = 0; i < 100; i++) {
      await api.patchNamespacedIngress(
        {
          name: 'shop',
          namespace: world.ns,
          body: { metadata: { annotations: { 'example.com/edit': String(i) } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    const burstMs = Date.now() - started;
    await pollUntil(
      'the queue to drain',
      async () => {
        const depth = await metricValue(controller.metricsPort, 'kubemci_queue_depth');
        return depth === 0 ? true : undefined;
      },
      60_000,
    );
    const runs = (await metricValue(controller.metricsPort, 'kubemci_reconciles_total')) - before;
    const seconds =
      (await metricValue(controller.metricsPort, 'kubemci_reconcile_duration_seconds_sum')) - durationsBefore;
    const oneReconcileMs = runs > 0 ? (seconds * 1000) / runs : 1;
    const bound = burstMs / oneReconcileMs + 2;
    console.log(
      `      burst: 100 edits in ${burstMs} ms, ${runs} reconciles of ~${oneReconcileMs.toFixed(0)} ms (bound ${bound.toFixed(1)})`,
    );
    expect(runs).to.be.at.least(1);
    expect(runs).to.be.at.most(bound);
  });

  it("removes a disabled cluster's backends, detaching them before its member-side objects go", async () => {
    world.emulator.clearCalls();
    await world.kubectl(
      'registry',
      '-n',
      world.inventory,
      'label',
      '--overwrite',
      'clusters.clusterregistry.k8s.io',
      c2,
      'kubemci.io/enabled=false',
    );
    await pollUntil(
      'member-2 NEGs off the backend service',
      async () => ((await member2Negs()).length === 0 ? true : undefined),
      90_000,
    ).catch(withLog);
    // The derived Service goes after the detach, so GKE's NEG controller can delete its NEGs:
    // every NEG delete the simulator makes succeeds (none is refused as in use).
    await pollUntil(
      'the derived Service in member-2 to be deleted',
      async () => {
        const out = await world.kubectl(
          'member-2',
          '-n',
          world.ns,
          'get',
          'svc',
          '-l',
          'app.kubernetes.io/managed-by=kubemci-controller',
          '-o',
          'name',
        );
        return out.trim() === '' ? true : undefined;
      },
      60_000,
    ).catch(withLog);
    await pollUntil(
      'member-2 NEGs deleted by the NEG controller',
      async () => {
        const deletes = world.emulator
          .calls()
          .filter((c) => c.method === 'compute.networkEndpointGroups.delete');
        return deletes.some((c) => c.status === 200) ? deletes : undefined;
      },
      60_000,
    );
    const calls = world.emulator.calls();
    const inUse = calls.filter(
      (c) => c.method === 'compute.networkEndpointGroups.delete' && c.status === 400,
    );
    expect(inUse, 'a NEG delete refused because it was still attached').to.deep.equal([]);
    const lastPatch = calls.map((c) => c.method).lastIndexOf('compute.backendServices.patch');
    const firstNegDelete = calls.findIndex((c) => c.method === 'compute.networkEndpointGroups.delete');
    expect(lastPatch).to.be.lessThan(firstNegDelete);
  });

  it('refuses and reports a Cluster outside the inventory namespaces and one naming a Secret elsewhere', async () => {
    // Outside: a Cluster in the app namespace (not an inventory namespace).
    await apply(`apiVersion: clusterregistry.k8s.io/v1alpha1
kind: Cluster
metadata: {name: stray, namespace: ${world.ns}, labels: {kubemci.io/enabled: "true"}}
spec:
  kubernetesApiEndpoints: {serverEndpoints: [{clientCIDR: 0.0.0.0/0, serverAddress: "${world.env.cluster('member-1').server}"}]}
  authInfo: {controller: {kind: Secret, name: stray-credentials}}
`);
    // Inside, but pointing at a Secret in another namespace.
    await apply(`apiVersion: clusterregistry.k8s.io/v1alpha1
kind: Cluster
metadata: {name: sneaky, namespace: ${world.inventory}, labels: {kubemci.io/enabled: "true"}}
spec:
  kubernetesApiEndpoints: {serverEndpoints: [{clientCIDR: 0.0.0.0/0, serverAddress: "${world.env.cluster('member-1').server}"}]}
  authInfo: {controller: {kind: Secret, name: ${c1}-credentials, namespace: kube-system}}
`);
    const condition = async (ns: string, name: string) =>
      JSON.parse(
        (await world.kubectl(
          'registry',
          '-n',
          ns,
          'get',
          'clusters.clusterregistry.k8s.io',
          name,
          '-o',
          'jsonpath={.status.conditions}',
        )) || '[]',
      ) as { type: string; status: string; reason: string; message: string }[];
    const stray = await pollUntil(
      'OK=False on the stray Cluster',
      async () => {
        const c = (await condition(world.ns, 'stray')).find((x) => x.type === 'OK');
        return c?.status === 'False' ? c : undefined;
      },
      60_000,
    ).catch(withLog);
    expect(stray.reason).to.equal('OutsideInventory');
    const sneaky = await pollUntil(
      'OK=False on the sneaky Cluster',
      async () => {
        const c = (await condition(world.inventory, 'sneaky')).find((x) => x.type === 'OK');
        return c?.status === 'False' ? c : undefined;
      },
      60_000,
    ).catch(withLog);
    expect(sneaky.reason).to.equal('SecretOutsideNamespace');
    // The served Ingress does not spread to either.
    const s = await ingressStatus(world, 'shop');
    expect(s?.clusters.map((c) => c.name)).not.to.include('stray');
    expect(s?.clusters.find((c) => c.name === 'sneaky')?.backends ?? []).to.deep.equal([]);
    // Our working cluster reports OK=True.
    const ok = (await condition(world.inventory, c1)).find((x) => x.type === 'OK');
    expect(ok?.status).to.equal('True');
  });

  it('deletes every resource of ours when the Ingress is deleted, then lets it go', async () => {
    expect((await ourResources(world)).length).to.be.greaterThan(0);
    await world.kubectl(
      'registry',
      '-n',
      world.ns,
      'delete',
      'ingress',
      'shop',
      '--wait=true',
      '--timeout=90s',
    );
    expect(await ourResources(world)).to.deep.equal([]);
    const derived = await world.kubectl(
      'member-1',
      '-n',
      world.ns,
      'get',
      'svc',
      '-l',
      'app.kubernetes.io/managed-by=kubemci-controller',
      '-o',
      'name',
    );
    expect(derived.trim()).to.equal('');
  });

  it('tears down an Ingress that leaves the class, and lets go of it', async () => {
    await apply(ingressManifest(world.ns, 'leaver'));
    await pollUntil(
      'the VIP of leaver',
      async () => (await ingressStatus(world, 'leaver'))?.vip,
      90_000,
    ).catch(withLog);
    expect((await ourResources(world, `${world.ns}/leaver`)).length).to.be.greaterThan(0);
    await world.kubectl(
      'registry',
      '-n',
      world.ns,
      'patch',
      'ingress',
      'leaver',
      '--type=merge',
      '-p',
      '{"spec":{"ingressClassName":"other"}}',
    );
    await pollUntil(
      'leaver torn down',
      async () => ((await ourResources(world, `${world.ns}/leaver`)).length === 0 ? true : undefined),
      90_000,
    ).catch(withLog);
    await pollUntil(
      'the finalizer and status removed',
      async () => {
        const m = JSON.parse(
          await world.kubectl(
            'registry',
            '-n',
            world.ns,
            'get',
            'ingress',
            'leaver',
            '-o',
            'jsonpath={.metadata}',
          ),
        ) as {
          finalizers?: string[];
          annotations?: Record<string, string>;
        };
        return !(m.finalizers ?? []).includes('kubemci.io/cleanup') && !m.annotations?.['kubemci.io/status']
          ? true
          : undefined;
      },
      30_000,
    ).catch(withLog);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await controller.stop('SIGTERM');
    expect(code).to.equal(0);
    expect(controller.log()).to.include('"message":"stopped"');
  });
});
