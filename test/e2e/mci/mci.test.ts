import { compute, type compute_v1 } from '@googleapis/compute';
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../harness/poll.ts';
import { ingressStatus, ourResources } from '../controller/world-queries.ts';
import { ingressManifest, startWorld, type ControllerProcess, type World } from '../controller/world.ts';
import { kubectl, kubectlOk, type KubectlResult } from '../../harness/kubectl.ts';
import { sharedEnv } from '../setup.ts';

// `kubectl mci` through the real kubectl (the plugin found on PATH) against the real controller,
// the shared registry and members, and this suite's own emulator and simulators. The tests build
// on each other, in order.
describe('kubectl mci against the real controller', function () {
  this.timeout(240_000);
  let world: World;
  let controller: ControllerProcess;
  let c1: string;
  let c2: string;
  let api: compute_v1.Compute;

  /** `kubectl mci ARGS` against the registry as its admin; never rejects on a non-zero exit. */
  const mci = (...args: string[]): Promise<KubectlResult> =>
    kubectl(world.env.kubectlPath, ['mci', ...args, '--kubeconfig', world.env.registry.kubeconfig]);
  /** `kubectl mci ARGS` with another kubeconfig. */
  const mciAs = (kubeconfig: string, ...args: string[]): Promise<KubectlResult> =>
    kubectl(world.env.kubectlPath, ['mci', ...args, '--kubeconfig', kubeconfig]);
  const gceFlags = () => [
    '--project',
    world.project,
    '--gce-endpoint',
    world.emulator.endpoint,
    '--access-token-file',
    join(world.dir, 'gce-token'),
  ];
  const planArgs = (...extra: string[]) => [
    'plan',
    'shop',
    '-n',
    world.ns,
    ...gceFlags(),
    '--instance-id',
    world.instanceId,
    '--inventory-namespaces',
    world.inventory,
    ...extra,
  ];
  const planOf = (...extra: string[]) => mci(...planArgs(...extra));
  const withLog = (err: Error): never => {
    throw new Error(`${err.message}\n--- controller log (tail) ---\n${controller.log().slice(-6000)}`);
  };
  /** capacityScaler of every group of our backend service, by the cluster it is in. */
  const capacities = async () => {
    const bs = (await ourResources(world, `${world.ns}/shop`)).find((r) => r.kind === 'backendServices');
    const backends = (bs?.body.backends as { group: string; capacityScaler?: number }[] | undefined) ?? [];
    const byZone = (b: { group: string }) => (b.group.includes('europe-west1') ? 'member-2' : 'member-1');
    return backends.map((b) => `${byZone(b)}=${b.capacityScaler ?? 1}`).sort();
  };
  const done = async (call: Promise<{ data: compute_v1.Schema$Operation }>) => {
    let op = (await call).data;
    while (op.status !== 'DONE') {
      op = (await api.globalOperations.wait({ project: world.project, operation: op.name ?? '' })).data;
    }
    expect(op.error).to.equal(undefined);
  };

  before(async () => {
    world = await startWorld(sharedEnv(), { opLatencyMs: 20 });
    api = compute({ version: 'v1', rootUrl: world.emulator.endpoint, retry: false });
    await world.deployApp('member-1');
    await world.deployApp('member-2');
    c1 = await world.register('member-1', { labels: { region: 'us' } });
    c2 = await world.register('member-2', { labels: { region: 'eu' } });
    controller = await world.startController();
    await kubectlOk(
      world.env.kubectlPath,
      ['--kubeconfig', world.env.registry.kubeconfig, 'apply', '-f', '-'],
      {
        input: ingressManifest(world.ns, 'shop'),
      },
    );
  });
  after(async () => {
    await world?.stop();
  });

  it('list: shows the Ingress with its VIP and both clusters ready, and exits 0 once nothing is wrong', async () => {
    const listed = await pollUntil(
      'kubectl mci list to exit 0 with both clusters ready',
      async () => {
        const r = await mci('list', '-n', world.ns);
        return r.code === 0 && r.stdout.includes(' 2/2 ') ? r : undefined;
      },
      120_000,
    ).catch(withLog);
    const vip = (await ingressStatus(world, 'shop'))?.vip;
    expect(vip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^NAME +VIP +CLUSTERS +LAST CHANGE +PROBLEM$/);
    expect(lines[1]).to.match(new RegExp(`^shop +${vip!.replaceAll('.', '\\.')} +2/2 +\\S+ +<none>$`));
    expect(listed.stdout).not.to.include('\u001b[');

    const all = await mci('list', '-A', '-o', 'json');
    expect(all.code).to.equal(0);
    const items = (
      JSON.parse(all.stdout) as {
        items: { namespace: string; name: string; vip: string; clusters: unknown }[];
      }
    ).items;
    const ours = items.find((i) => i.namespace === world.ns && i.name === 'shop');
    expect(ours).to.deep.include({ vip, clusters: { ready: 2, selected: 2, names: [c1, c2].sort() } });
  });

  it('status: shows the VIP, each cluster with its backends and health, the resources and the Events', async () => {
    const r = await mci('status', 'shop', '-n', world.ns);
    expect(r.code, r.stderr).to.equal(0);
    const vip = (await ingressStatus(world, 'shop'))?.vip;
    expect(r.stdout).to.include(`VIP:          ${vip}\n`);
    expect(r.stdout).to.include('Clusters:     2 selected, 2 ready\n');
    for (const c of [c1, c2])
      expect(r.stdout).to.match(new RegExp(`\\n  ${c} +ready +web:80 +1 +\\S+ +\\d+/\\d+ healthy`));
    expect(r.stdout).to.match(/\n {2}backendServices +mci2-bs-/);
    expect(r.stdout).to.match(/Normal +LoadBalancerCreated/);

    const live = await mci('status', 'shop', '-n', world.ns, '--live', ...gceFlags(), '-o', 'json');
    expect(live.code, live.stderr).to.equal(0);
    const doc = JSON.parse(live.stdout) as {
      liveHealth: { errors: string[] };
      status: { clusters: { backends: { health?: { healthy: number; unhealthy: number } }[] }[] };
    };
    expect(doc.liveHealth.errors).to.deep.equal([]);
    for (const c of doc.status.clusters) expect(c.backends[0]!.health!.healthy).to.be.greaterThan(0);
    expect(world.emulator.calls().some((c) => c.method === 'compute.backendServices.getHealth')).to.equal(
      true,
    );

    const missing = await mci('status', 'nope', '-n', world.ns);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(`error: ingress ${world.ns}/nope not found\n`);
    const usage = await mci('status', 'shop', '--bogus');
    expect(usage.code).to.equal(2);
  });

  it('drain --wait: moves the traffic off a cluster; the last serving cluster is refused without --force; undrain brings it back', async () => {
    const drained = await mci('drain', c1, '-n', world.inventory, '--wait', '--timeout', '120s');
    expect(drained.code, `${drained.stdout}${drained.stderr}\n${controller.log().slice(-3000)}`).to.equal(0);
    expect(drained.stdout).to.include(`cluster/${c1} marked for draining`);
    expect(drained.stdout).to.include(`ingress ${world.ns}/shop: no traffic to cluster ${c1}`);
    expect(drained.stdout).to.include(`cluster/${c1} drained: no Ingress sends it traffic`);
    // --wait returned only once the status said so, and the status follows what GCE has.
    expect(await capacities()).to.include.members(['member-1=0', 'member-2=1']);
    const status = await mci('status', 'shop', '-n', world.ns);
    expect(status.stdout).to.match(new RegExp(`\\n  ${c1} +ready +web:80 +0 \\(drained\\)`));

    const refused = await mci('drain', c2, '-n', world.inventory);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.equal(
      `error: refusing to drain cluster ${c2}: it is the last serving cluster of ingress ${world.ns}/shop (${c1} is drained); ` +
        'drain another cluster first, or use --force (the controller then keeps it at full capacity)\n',
    );
    const annotation = await world.kubectl(
      'registry',
      '-n',
      world.inventory,
      'get',
      'clusters.clusterregistry.k8s.io',
      c2,
      '-o',
      'jsonpath={.metadata.annotations.kubemci\\.io/drain}',
    );
    expect(annotation).to.equal('');

    const undrained = await mci('undrain', c1, '-n', world.inventory, '--wait', '--timeout', '120s');
    expect(undrained.code, `${undrained.stdout}${undrained.stderr}`).to.equal(0);
    expect(undrained.stdout).to.include(`cluster/${c1} undrained: every Ingress gives it capacity`);
    expect(await capacities()).to.not.include('member-1=0');
  });

  it("plan: shows no changes while GCE matches, then exactly the drift made behind the controller's back, writing nothing; the controller repairs it", async () => {
    await pollUntil(
      'kubectl mci plan to find nothing to change',
      async () => {
        const r = await planOf('--exit-code');
        return r.code === 0 ? r : undefined;
      },
      60_000,
    ).catch(withLog);
    const clean = await planOf();
    expect(clean.stdout).to.include('\nNo changes. GCE matches what the controller wants');

    await controller.stop();
    const resources = await ourResources(world, `${world.ns}/shop`);
    const bsName = resources.find((r) => r.kind === 'backendServices')!.name;
    const umName = resources.find((r) => r.kind === 'urlMaps')!.name;
    const { data: bs } = await api.backendServices.get({ project: world.project, backendService: bsName });
    const drifted = [...(bs.backends ?? [])].sort((a, b) => (a.group! < b.group! ? -1 : 1))[0]!;
    await done(
      api.backendServices.patch({
        project: world.project,
        backendService: bsName,
        requestBody: {
          fingerprint: bs.fingerprint,
          backends: (bs.backends ?? []).map((b) =>
            b.group === drifted.group ? { ...b, capacityScaler: 0.5 } : b,
          ),
        },
      }),
    );
    const { data: um } = await api.urlMaps.get({ project: world.project, urlMap: umName });
    await done(
      api.urlMaps.update({
        project: world.project,
        urlMap: umName,
        requestBody: {
          ...um,
          hostRules: (um.hostRules ?? []).map((h) => ({ ...h, hosts: ['drifted.example.com'] })),
        },
      }),
    );
    world.emulator.clearCalls();

    const r = await planOf('-o', 'json');
    expect(r.code, r.stderr).to.equal(0);
    const plan = JSON.parse(r.stdout) as {
      changes: {
        op: string;
        kind: string;
        name: string;
        method: string;
        fields: { path: string; before: string; after: string }[];
      }[];
      problems: string[];
      members: unknown[];
    };
    const group = drifted.group!.replace(/^.*\/projects\/[^/]+\//, '');
    expect(plan.members).to.deep.equal([]);
    expect(plan.problems).to.deep.equal([]);
    expect(plan.changes).to.deep.equal([
      {
        op: 'update',
        kind: 'backendServices',
        name: bsName,
        method: 'patch',
        reason: `backends[0].capacityScaler 0.5 -> 1`,
        fields: [{ path: `backends[${group}].capacityScaler`, before: '0.5', after: '1' }],
      },
      {
        op: 'update',
        kind: 'urlMaps',
        name: umName,
        method: 'update',
        reason: 'hostRules[0].hosts[0] "drifted.example.com" -> "shop.example.com"',
        fields: [
          { path: 'hostRules[0].hosts[0]', before: '"drifted.example.com"', after: '"shop.example.com"' },
        ],
      },
    ]);
    const text = await planOf('--exit-code');
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include(
      `~ update backendServices/${bsName} (patch)\n    backends[${group}].capacityScaler: 0.5 -> 1\n`,
    );
    expect(text.stdout).to.include('\nPlan: 2 to update; ');
    const writes = world.emulator
      .calls()
      .filter((c) => /\.(insert|update|patch|delete|set\w+)$/.test(c.method));
    expect(writes, 'plan wrote to GCE').to.deep.equal([]);

    // The controller, started again with a short resync, repairs exactly that: the plan is empty again.
    controller = await world.startController(['--resync-period', '5s']);
    await pollUntil(
      'the controller to repair the drift',
      async () => ((await planOf('--exit-code')).code === 0 ? true : undefined),
      90_000,
    ).catch(withLog);
  });

  it('plan: says which access it lacks when GCE forbids a read', async () => {
    world.emulator.setConfig({
      faults: [
        {
          method: 'compute.urlMaps.list',
          action: 'error',
          status: 403,
          reason: 'forbidden',
          message: `Required 'compute.urlMaps.list' permission for 'projects/${world.project}'`,
        },
      ],
    });
    try {
      const r = await planOf();
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr.split('\n')).to.have.length(2);
      expect(r.stderr).to.match(
        new RegExp(
          `^error: GCE refused compute\\.urlMaps\\.list in project ${world.project} \\(.*403 forbidden.*\\): ` +
            'the credentials \\(access token file .*\\) need the compute\\.urlMaps\\.list permission',
        ),
      );
    } finally {
      world.emulator.setConfig({ faults: [] });
    }
  });

  it('says which registry access it lacks when a read is forbidden', async () => {
    const { ns, inventory } = world;
    const sa = `system:serviceaccount:${ns}:mci-viewer`;
    await kubectlOk(
      world.env.kubectlPath,
      ['--kubeconfig', world.env.registry.kubeconfig, 'apply', '-f', '-'],
      {
        input: `apiVersion: v1
kind: ServiceAccount
metadata: {name: mci-viewer, namespace: ${ns}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mci-viewer, namespace: ${ns}}
rules: [{apiGroups: [networking.k8s.io], resources: [ingresses], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: mci-viewer, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: mci-viewer}
subjects: [{kind: ServiceAccount, name: mci-viewer, namespace: ${ns}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mci-viewer, namespace: ${inventory}}
rules: [{apiGroups: [clusterregistry.k8s.io], resources: [clusters], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: mci-viewer, namespace: ${inventory}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: mci-viewer}
subjects: [{kind: ServiceAccount, name: mci-viewer, namespace: ${ns}}]
`,
      },
    );
    const token = (await world.kubectl('registry', '-n', ns, 'create', 'token', 'mci-viewer')).trim();
    const viewer = join(world.dir, 'viewer.kubeconfig');
    writeFileSync(
      viewer,
      await world.kubectl('registry', 'config', 'view', '--raw', '--minify', '--flatten'),
    );
    const config = (...args: string[]) =>
      kubectlOk(world.env.kubectlPath, ['config', ...args, '--kubeconfig', viewer]);
    await config('set-credentials', 'viewer', '--token', token);
    await config('set-context', '--current', '--user', 'viewer');

    const list = await mciAs(viewer, 'list', '-n', ns);
    expect(list.code).to.equal(1);
    expect(list.stderr).to.equal(
      `error: registry: cannot list ingresses in namespace ${ns}: ingresses.networking.k8s.io is forbidden: ` +
        `User "${sa}" cannot list resource "ingresses" in API group "networking.k8s.io" in the namespace "${ns}"\n`,
    );

    const plan = await mciAs(viewer, ...planArgs('-o', 'json'));
    expect(plan.code, plan.stderr).to.equal(1);
    const doc = JSON.parse(plan.stdout) as { members: { cluster: string; kind: string; message: string }[] };
    expect(doc.members.map((m) => `${m.cluster} ${m.kind}`)).to.deep.equal([
      `${c1} no-access`,
      `${c2} no-access`,
    ]);
    expect(doc.members[0]!.message).to.include(
      `User "${sa}" cannot get resource "secrets" in API group "" in the namespace "${inventory}"`,
    );
    expect(doc.members[0]!.message).to.match(
      /plan reaches members with the controller's credentials, so it needs to get the Secrets of their Clusters$/,
    );
  });
});
