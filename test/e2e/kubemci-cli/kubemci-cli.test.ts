// bin/kubemci as a real process against the shared member clusters (real apiservers), a Compute
// emulator and the member simulators (pods turn ready, NEGs and VMs appear in the emulator), with
// the Deployment and Service put in place by real kubectl. One load balancer goes through its
// whole life: create, get-status, list, a dry run that changes nothing, remove-clusters, delete.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator, type StateEntry } from '../../emulator/index.ts';
import { freePort } from '../../harness/processes.ts';
import { startSimulators, type Simulators } from '../../simulator/index.ts';
import { REPO, kubectl, kubectlOk, uniqueName } from '../../harness/kubectl.ts';
import { sharedEnv } from '../setup.ts';

const KUBEMCI = join(REPO, 'bin', 'kubemci');
const MEMBERS = ['member-1', 'member-2'];

/** What one run of bin/kubemci printed and how it ended. */
interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/kubemci with `args`; never rejects on a non-zero exit. */
function kubemci(args: readonly string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KUBECONFIG;
  env.PATH = [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':');
  return new Promise((resolve, reject) => {
    execFile(KUBEMCI, args, { env, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** NodePorts are cluster-wide: one per run, the same in both members (instance-group mode needs it). */
const NODE_PORT = 30000 + (process.pid % 2700);

function app(ns: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/pause:3.10
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /healthz, port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np, namespace: ${ns}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: ${NODE_PORT}}]
`;
}

/** A v1 Ingress named `name` whose default backend is `service` port 80. */
function ingress(name: string, service: string): string {
  return `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}}
spec:
  defaultBackend: {service: {name: ${service}, port: {number: 80}}}
`;
}

/** kubemci's own example form: extensions/v1beta1, serviceName/servicePort, no namespace. */
const INGRESS = `
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  backend:
    serviceName: web
    servicePort: 80
`;

describe('kubemci CLI (bin/kubemci) against real members, the emulator and the simulators', function () {
  this.timeout(300_000);
  const ns = uniqueName('kcli');
  let gce: Emulator;
  let sims: Simulators;
  let dir: string;
  let kubeconfig: string;
  let ingressFile: string;
  let gceFlags: string[];

  const ours = (): StateEntry[] =>
    gce
      .state()
      .resources.filter(
        (r) =>
          typeof r.body.description === 'string' && r.body.description.includes('"instance":"kubemci-cli"'),
      );
  const ofKind = (collection: string) => ours().filter((r) => r.path.includes(`/global/${collection}/`));
  const writes = () => gce.calls().filter((c) => c.httpMethod !== 'GET');
  const derivedServices = async (member: string): Promise<string[]> => {
    const out = await kubectlOk(sharedEnv().kubectlPath, [
      'get',
      'services',
      '-n',
      ns,
      '-l',
      'app.kubernetes.io/managed-by=kubemci-controller',
      '-o',
      'name',
      '--kubeconfig',
      sharedEnv().cluster(member).kubeconfig,
    ]);
    return out.split('\n').filter((l) => l !== '');
  };

  before(async function () {
    const env = sharedEnv();
    dir = mkdtempSync(join(tmpdir(), 'kubemci-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    const merged = await kubectlOk(env.kubectlPath, ['config', 'view', '--flatten'], {
      env: { KUBECONFIG: MEMBERS.map((m) => env.cluster(m).kubeconfig).join(':') },
    });
    writeFileSync(kubeconfig, merged);
    ingressFile = join(dir, 'ing.yaml');
    writeFileSync(ingressFile, INGRESS);
    writeFileSync(join(dir, 'ig.yaml'), ingress('shop-ig-src', 'web-np'));
    writeFileSync(join(dir, 'partial.yaml'), ingress('partial', 'only-in-1'));
    for (const m of MEMBERS) {
      await kubectlOk(env.kubectlPath, [
        'create',
        'namespace',
        ns,
        '--kubeconfig',
        env.cluster(m).kubeconfig,
      ]);
      await kubectlOk(env.kubectlPath, ['apply', '-f', '-', '--kubeconfig', env.cluster(m).kubeconfig], {
        input: app(ns),
      });
    }
    await kubectlOk(env.kubectlPath, [
      'create',
      'service',
      'clusterip',
      'only-in-1',
      '--tcp=80:8080',
      '-n',
      ns,
      '--kubeconfig',
      env.cluster('member-1').kubeconfig,
    ]);
    gce = await startEmulator({ opLatencyMs: 20 });
    gceFlags = ['--gcp-project', gce.project, '--gce-endpoint', gce.endpoint, '--access-token', 'x'];
    sims = await startSimulators(env, gce, { members: MEMBERS, namespaces: [ns], resyncMs: 5_000 });
  });

  after(async function () {
    this.timeout(60_000);
    await sims?.stop();
    for (const m of MEMBERS) {
      await kubectl(sharedEnv().kubectlPath, [
        'delete',
        'namespace',
        ns,
        '--wait=false',
        '--kubeconfig',
        sharedEnv().cluster(m).kubeconfig,
      ]);
    }
    await gce?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with one line for a flag kubemci does not have', async () => {
    const run = await kubemci(['create', '--ingress', ingressFile, '--no-such-flag']);
    expect(run.code).to.equal(2);
    expect(run.stderr.split('\n')[0]).to.equal('error: unknown flag: --no-such-flag');
  });

  it('exits 1, naming the cluster, when a member is unreachable, and writes nothing', async () => {
    const port = await freePort();
    const broken = join(dir, 'broken.kubeconfig');
    const merged = await kubectlOk(sharedEnv().kubectlPath, [
      'config',
      'view',
      '--flatten',
      '--kubeconfig',
      kubeconfig,
    ]);
    writeFileSync(
      broken,
      `${merged
        .replace(
          /^contexts:\n/m,
          `contexts:\n- name: member-x\n  context: {cluster: member-x, user: member-1-admin}\n`,
        )
        .replace(
          /^clusters:\n/m,
          `clusters:\n- name: member-x\n  cluster: {server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true}\n`,
        )}`,
    );
    gce.clearCalls();
    const run = await kubemci([
      'create',
      '--ingress',
      ingressFile,
      '--kubeconfig',
      broken,
      '--kubecontexts',
      'member-1,member-x',
      '--namespace',
      ns,
      ...gceFlags,
    ]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(
      /^error: cluster member-x: cannot list Services in namespace .*ECONNREFUSED/m,
    );
    expect(writes()).to.deep.equal([]);
    expect(ours()).to.deep.equal([]);
  });

  it('create converges: our resources exist, each backend names its cluster, the VIP is printed', async () => {
    const run = await kubemci([
      'create',
      '--ingress',
      ingressFile,
      '--kubeconfig',
      kubeconfig,
      '--kubecontexts',
      'member-1,member-2',
      '--namespace',
      ns,
      ...gceFlags,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    const vip =
      /Load balancer shop has IPAddress (\S+) and is spread across 2 clusters \(member-1,member-2\)/.exec(
        run.stdout,
      )?.[1];
    expect(vip, run.stdout).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(run.stdout).to.match(/^Success\.$/m);

    const backendServices = ofKind('backendServices');
    expect(backendServices).to.have.length(1);
    const backends = backendServices[0]!.body.backends as { group: string; description: string }[];
    // Two zones per member, one NEG per zone.
    expect(backends).to.have.length(4);
    const byCluster = (c: string) => backends.filter((b) => b.description === JSON.stringify({ cluster: c }));
    expect(byCluster('member-1')).to.have.length(2);
    expect(byCluster('member-2')).to.have.length(2);
    for (const b of backends) expect(b.group).to.include('/networkEndpointGroups/');
    expect(ofKind('forwardingRules').map((r) => r.body.IPAddress)).to.deep.equal([vip]);
    const firewalls = ofKind('firewalls');
    expect(firewalls).to.have.length(1);
    expect(firewalls[0]!.body.targetTags).to.deep.equal(MEMBERS.map((m) => sims.get(m).networkTag).sort());
    expect((firewalls[0]!.body.allowed as { ports: string[] }[])[0]!.ports).to.deep.equal(['8080']);
    for (const m of MEMBERS) expect(await derivedServices(m)).to.have.length(1);
  });

  it('get-status shows the VIP and both clusters, from GCE alone', async () => {
    const run = await kubemci(['get-status', 'shop', ...gceFlags]);
    expect(run.code, run.stderr).to.equal(0);
    const [first] = run.stdout.split('\n');
    expect(first).to.match(
      /^Load balancer shop has IPAddress \d+\.\d+\.\d+\.\d+ and is spread across 2 clusters \(member-1,member-2\)$/,
    );
    expect(run.stdout).to.include(`Namespace: ${ns}`);
    const json = JSON.parse((await kubemci(['get-status', 'shop', '-o', 'json', ...gceFlags])).stdout) as {
      clusters: string[];
      backendMode: string;
    };
    expect(json.clusters).to.deep.equal(MEMBERS);
    expect(json.backendMode).to.equal('neg');
  });

  it('list lists it', async () => {
    const run = await kubemci(['list', ...gceFlags]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^NAME\s+IP\s+CLUSTERS\s+NAMESPACE$/);
    expect(lines.slice(1)).to.have.length(1);
    expect(lines[1]).to.match(
      new RegExp(`^shop\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+member-1, member-2\\s+${ns}$`),
    );
  });

  it('--dry-run after create shows no changes and writes nothing', async () => {
    gce.clearCalls();
    const run = await kubemci([
      'create',
      '--ingress',
      ingressFile,
      '--kubeconfig',
      kubeconfig,
      '--kubecontexts',
      'member-1,member-2',
      '--namespace',
      ns,
      '--dry-run',
      '-o',
      'json',
      ...gceFlags,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const plan = (
      JSON.parse(run.stdout) as { plan: { changes: boolean; steps: { op: string }[]; desired: unknown[] } }
    ).plan;
    expect(plan.changes).to.equal(false);
    expect(plan.steps.map((s) => s.op)).to.satisfy((ops: string[]) => ops.every((op) => op === 'nothing'));
    expect(plan.desired.length).to.equal(plan.steps.length);
    expect(writes()).to.deep.equal([]);
  });

  it('remove-clusters detaches one member and removes its member objects', async () => {
    const run = await kubemci([
      'remove-clusters',
      '--ingress',
      ingressFile,
      '--kubeconfig',
      kubeconfig,
      '--kubecontexts',
      'member-2',
      '--namespace',
      ns,
      ...gceFlags,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/spread across 1 clusters \(member-1\)/);
    const backends = ofKind('backendServices')[0]!.body.backends as { description: string }[];
    expect(backends.map((b) => b.description)).to.deep.equal(
      Array(2).fill(JSON.stringify({ cluster: 'member-1' })),
    );
    expect(ofKind('firewalls')[0]!.body.targetTags).to.deep.equal([sims.get('member-1').networkTag]);
    expect(await derivedServices('member-2')).to.deep.equal([]);
    expect(await derivedServices('member-1')).to.have.length(1);
  });

  it('delete leaves none of our resources and no member objects', async () => {
    const run = await kubemci(['delete', 'shop', '--kubeconfig', kubeconfig, ...gceFlags]);
    expect(run.code, run.stderr).to.equal(0);
    expect(ours()).to.deep.equal([]);
    for (const m of MEMBERS) expect(await derivedServices(m)).to.deep.equal([]);
    const status = await kubemci(['get-status', 'shop', ...gceFlags]);
    expect(status.code).to.equal(1);
    expect(status.stderr).to.match(/^error: load balancer shop does not exist/);
  });

  it('--validate stops before any write when a member lacks the Service, naming it', async () => {
    gce.clearCalls();
    const run = await kubemci([
      'create',
      '--ingress',
      join(dir, 'partial.yaml'),
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      ns,
      ...gceFlags,
    ]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      `error: cluster member-2: Service ${ns}/only-in-1 not found; its backends are left out\n`,
    );
    expect(writes()).to.deep.equal([]);
  });

  it('instance-group mode: copies the Ingress, uses the instance groups and NodePort, and deletes it all', async () => {
    const igFile = join(dir, 'ig.yaml');
    const run = await kubemci([
      'create',
      'shop-ig',
      '--ingress',
      igFile,
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      ns,
      '--backend-mode',
      'instance-group',
      ...gceFlags,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(
      /Load balancer shop-ig has IPAddress \S+ and is spread across 2 clusters \(member-1,member-2\)/,
    );
    const service = ofKind('backendServices')[0]!.body;
    expect(service.portName).to.equal(`port${NODE_PORT}`);
    const backends = service.backends as { group: string; description: string }[];
    expect(
      backends.map((b) => b.group.replace(/.*\/zones\/([^/]+)\/instanceGroups\/.*/, '$1')).sort(),
    ).to.deep.equal(['europe-west1-b', 'europe-west1-c', 'us-central1-a', 'us-central1-b']);
    expect(backends.filter((b) => b.description === '{"cluster":"member-2"}')).to.have.length(2);
    expect((ofKind('firewalls')[0]!.body.allowed as { ports: string[] }[])[0]!.ports).to.deep.equal([
      String(NODE_PORT),
    ]);
    const copies = async (m: string) =>
      (
        await kubectlOk(sharedEnv().kubectlPath, [
          'get',
          'ingresses',
          '-n',
          ns,
          '-o',
          'name',
          '--kubeconfig',
          sharedEnv().cluster(m).kubeconfig,
        ])
      ).trim();
    for (const m of MEMBERS)
      expect(await copies(m)).to.match(/^ingress\.networking\.k8s\.io\/mci2-ic-shop-ig-/);
    // The mode is read back from GCE: get-status needs no flag to know it.
    const status = JSON.parse(
      (await kubemci(['get-status', 'shop-ig', '-o', 'json', ...gceFlags])).stdout,
    ) as {
      backendMode: string;
    };
    expect(status.backendMode).to.equal('instance-group');

    const deleted = await kubemci(['delete', 'shop-ig', '--kubeconfig', kubeconfig, ...gceFlags]);
    expect(deleted.code, deleted.stderr).to.equal(0);
    expect(ours()).to.deep.equal([]);
    for (const m of MEMBERS) expect(await copies(m)).to.equal('');
  });
});
