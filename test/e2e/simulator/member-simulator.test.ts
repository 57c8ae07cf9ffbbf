// The member-cluster simulator against the shared real member clusters and a fresh Compute
// emulator per test, driven with real kubectl: pods run and turn ready, NEGs and instance groups
// appear in the emulator in GKE's formats, and readiness flips reach NEG membership and backend
// health. Every test works in its own namespace and stops its simulators and emulator.
import { compute, type compute_v1 } from '@googleapis/compute';
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { pollUntil } from '../../harness/poll.ts';
import { startSimulators, type Simulators } from '../../simulator/index.ts';
import { sharedEnv } from '../setup.ts';

const run = promisify(execFile);
const WAIT_MS = 60_000;

/** Runs kubectl against `cluster` (stdin optional) and returns stdout. */
async function kubectl(cluster: string, args: string[], stdin?: string): Promise<string> {
  const env = sharedEnv();
  const full = ['--kubeconfig', env.cluster(cluster).kubeconfig, ...args];
  if (stdin === undefined) return (await run(env.kubectlPath, full)).stdout;
  return new Promise((resolve, reject) => {
    const child = spawn(env.kubectlPath, full, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`)),
    );
    child.stdin.end(stdin);
  });
}

async function getJson<T>(cluster: string, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(cluster, [...args, '-o', 'json'])) as T;
}

function app(ns: string, opts: { replicas: number; serviceType?: string; negAnnotation?: string }): string {
  const annotations = opts.negAnnotation
    ? `\n  annotations:\n    cloud.google.com/neg: '${opts.negAnnotation}'`
    : '';
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: ${opts.replicas}
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
metadata:
  name: web
  namespace: ${ns}${annotations}
spec:
  type: ${opts.serviceType ?? 'ClusterIP'}
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;
}

interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

const isReady = (p: PodList['items'][number]) =>
  p.status.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('member-cluster simulator', function () {
  this.timeout(120_000);
  let gce: Emulator | undefined;
  let sims: Simulators | undefined;
  let api: compute_v1.Compute;
  let ns: string;
  const namespacesMade: [string, string][] = [];

  async function setUp(members: string[], negEndpoints: 'ready' | 'all' = 'ready') {
    ns = `sim-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
    for (const m of members) {
      await kubectl(m, ['create', 'namespace', ns]);
      namespacesMade.push([m, ns]);
    }
    gce = await startEmulator({ opLatencyMs: 10 });
    api = compute({ version: 'v1', rootUrl: gce.endpoint, retry: false });
    sims = await startSimulators(sharedEnv(), gce, {
      members,
      namespaces: [ns],
      negEndpoints,
      resyncMs: 5_000,
    });
  }

  afterEach(async function () {
    this.timeout(60_000);
    // Stopping first force-deletes the pods on the simulated nodes (as a node pool's removal
    // would), so the namespaces then go without waiting for a kubelet.
    await sims?.stop();
    const errors = sims?.errors ?? [];
    sims = undefined;
    for (const [m, n] of namespacesMade.splice(0))
      await kubectl(m, ['delete', 'namespace', n, '--wait=false']);
    await gce?.close();
    gce = undefined;
    // Background failures would mean the simulator fought the real controllers.
    expect(errors.map((e) => e.message)).to.deep.equal([]);
  });

  /** Waits for a global operation: a resource can be referenced once its insert is DONE. */
  async function done(op: compute_v1.Schema$Operation): Promise<void> {
    await api.globalOperations.wait({ project: gce!.project, operation: op.name! });
  }

  async function negEndpoints(zone: string, neg: string): Promise<string[]> {
    const res = await api.networkEndpointGroups.listNetworkEndpoints({
      project: gce!.project,
      zone,
      networkEndpointGroup: neg,
      requestBody: {},
    });
    return (res.data.items ?? [])
      .map((i) => `${i.networkEndpoint?.instance} ${i.networkEndpoint?.ipAddress}:${i.networkEndpoint?.port}`)
      .sort();
  }

  it('runs a Deployment applied with kubectl and gives its Service zonal NEGs with the ready pods', async () => {
    await setUp(['member-1']);
    const sim = sims!.get('member-1');
    await kubectl(
      'member-1',
      ['apply', '-f', '-'],
      app(ns, { replicas: 3, negAnnotation: '{"exposed_ports":{"80":{}}}' }),
    );
    await kubectl('member-1', [
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/web',
      `--timeout=${WAIT_MS / 1000}s`,
    ]);

    const pods = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
    expect(pods.items).to.have.length(3);
    expect(pods.items.every(isReady)).to.equal(true);
    const nodes = new Map(sim.nodes.map((n) => [n.name, n]));
    // Spread over both zones' nodes, with an IP of the node's pod range.
    expect(new Set(pods.items.map((p) => nodes.get(p.spec.nodeName!)?.zone))).to.deep.equal(
      new Set(['us-central1-a', 'us-central1-b']),
    );

    const negName = sim.negName(ns, 'web', 80);
    const status = await pollUntil(
      'the neg-status annotation',
      async () => {
        const svc = await getJson<{ metadata: { annotations?: Record<string, string> } }>('member-1', [
          '-n',
          ns,
          'get',
          'svc',
          'web',
        ]);
        return svc.metadata.annotations?.['cloud.google.com/neg-status'];
      },
      WAIT_MS,
    );
    expect(JSON.parse(status)).to.deep.equal({
      network_endpoint_groups: { '80': negName },
      zones: ['us-central1-a', 'us-central1-b'],
    });
    const want = pods.items.map((p) => `${p.spec.nodeName} ${p.status.podIP}:8080`).sort();
    const got = await pollUntil(
      'NEG endpoints for every ready pod',
      async () => {
        const all = [
          ...(await negEndpoints('us-central1-a', negName)),
          ...(await negEndpoints('us-central1-b', negName)),
        ].sort();
        return all.length === want.length ? all : undefined;
      },
      WAIT_MS,
    );
    expect(got).to.deep.equal(want);
    const neg = (
      await api.networkEndpointGroups.get({
        project: gce!.project,
        zone: 'us-central1-a',
        networkEndpointGroup: negName,
      })
    ).data;
    expect(neg.networkEndpointType).to.equal('GCE_VM_IP_PORT');
    expect(JSON.parse(neg.description ?? '{}')).to.include({
      namespace: ns,
      'service-name': 'web',
      port: '80',
    });

    // Scaling down: the kubelets finish the graceful deletions and the NEGs shrink with them.
    await kubectl('member-1', ['-n', ns, 'scale', 'deployment/web', '--replicas=1']);
    await pollUntil(
      'one pod and one endpoint left',
      async () => {
        const left = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
        const all = [
          ...(await negEndpoints('us-central1-a', negName)),
          ...(await negEndpoints('us-central1-b', negName)),
        ];
        return left.items.length === 1 && all.length === 1 ? true : undefined;
      },
      WAIT_MS,
    );

    // The Service no longer asks for NEGs: GKE deletes them and the status annotation.
    await kubectl('member-1', ['-n', ns, 'annotate', 'svc', 'web', 'cloud.google.com/neg-']);
    await pollUntil(
      'the NEGs to be deleted',
      async () => {
        const left = await api.networkEndpointGroups.list({ project: gce!.project, zone: 'us-central1-a' });
        return (left.data.items ?? []).length === 0 ? true : undefined;
      },
      WAIT_MS,
    );
    const svc = await getJson<{ metadata: { annotations?: Record<string, string> } }>('member-1', [
      '-n',
      ns,
      'get',
      'svc',
      'web',
    ]);
    expect(svc.metadata.annotations?.['cloud.google.com/neg-status']).to.equal(undefined);
  });

  it('follows readiness flips: an unready pod leaves the NEG and a ready one comes back', async () => {
    await setUp(['member-1']);
    const sim = sims!.get('member-1');
    await kubectl(
      'member-1',
      ['apply', '-f', '-'],
      app(ns, { replicas: 2, negAnnotation: '{"exposed_ports":{"80":{}}}' }),
    );
    await kubectl('member-1', [
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/web',
      `--timeout=${WAIT_MS / 1000}s`,
    ]);
    const negName = sim.negName(ns, 'web', 80);
    const endpointsNow = async () =>
      [
        ...(await negEndpoints('us-central1-a', negName).catch(() => [])),
        ...(await negEndpoints('us-central1-b', negName).catch(() => [])),
      ].sort();
    await pollUntil(
      'two endpoints',
      async () => ((await endpointsNow()).length === 2 ? true : undefined),
      WAIT_MS,
    );

    const pods = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
    const [victim, survivor] = pods.items;
    await sim.setReady({ namespace: ns, name: victim!.metadata.name }, false);
    const after = await pollUntil(
      'the unready pod to leave the NEG',
      async () => {
        const e = await endpointsNow();
        return e.length === 1 ? e : undefined;
      },
      WAIT_MS,
    );
    expect(after).to.deep.equal([`${survivor!.spec.nodeName} ${survivor!.status.podIP}:8080`]);
    const victimPod = await getJson<PodList['items'][number]>('member-1', [
      '-n',
      ns,
      'get',
      'pod',
      victim!.metadata.name,
    ]);
    expect(victimPod.status.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('False');

    await sim.setReady('all', true);
    await pollUntil(
      'both endpoints back',
      async () => ((await endpointsNow()).length === 2 ? true : undefined),
      WAIT_MS,
    );

    // The Service goes: so do its NEGs, in every zone.
    await kubectl('member-1', ['-n', ns, 'delete', 'service', 'web']);
    await pollUntil(
      'the NEGs of the deleted Service to go',
      async () => {
        for (const zone of ['us-central1-a', 'us-central1-b']) {
          const res = await api.networkEndpointGroups.list({ project: gce!.project, zone });
          if ((res.data.items ?? []).length > 0) return undefined;
        }
        return true;
      },
      WAIT_MS,
    );
  });

  it('reports backend health from pod readiness through backendServices.getHealth', async () => {
    await setUp(['member-1'], 'all');
    const sim = sims!.get('member-1');
    await kubectl(
      'member-1',
      ['apply', '-f', '-'],
      app(ns, { replicas: 2, negAnnotation: '{"exposed_ports":{"80":{}}}' }),
    );
    await kubectl('member-1', [
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/web',
      `--timeout=${WAIT_MS / 1000}s`,
    ]);
    const negName = sim.negName(ns, 'web', 80);
    const project = gce!.project;
    await pollUntil(
      'NEGs in both zones',
      async () => {
        const svc = await getJson<{ metadata: { annotations?: Record<string, string> } }>('member-1', [
          '-n',
          ns,
          'get',
          'svc',
          'web',
        ]);
        return svc.metadata.annotations?.['cloud.google.com/neg-status'];
      },
      WAIT_MS,
    );
    // A backend service over both NEGs, as the controller under test would build it.
    await done(
      (
        await api.healthChecks.insert({
          project,
          requestBody: {
            name: 'hc',
            type: 'HTTP',
            httpHealthCheck: { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' },
          },
        })
      ).data,
    );
    const base = `https://www.googleapis.com/compute/v1/projects/${project}`;
    const bs = await api.backendServices.insert({
      project,
      requestBody: {
        name: 'bs',
        healthChecks: [`${base}/global/healthChecks/hc`],
        backends: ['us-central1-a', 'us-central1-b'].map((z) => ({
          group: `${base}/zones/${z}/networkEndpointGroups/${negName}`,
          balancingMode: 'RATE',
          maxRatePerEndpoint: 100,
        })),
      },
    });
    await done(bs.data);
    const health = async () => {
      const states: string[] = [];
      for (const z of ['us-central1-a', 'us-central1-b']) {
        const res = await api.backendServices.getHealth({
          project,
          backendService: 'bs',
          requestBody: { group: `${base}/zones/${z}/networkEndpointGroups/${negName}` },
        });
        for (const h of res.data.healthStatus ?? []) states.push(`${h.ipAddress} ${h.healthState}`);
      }
      return states.sort();
    };
    const pods = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
    const ips = pods.items.map((p) => p.status.podIP!).sort();
    await pollUntil(
      'both healthy',
      async () => {
        const h = await health();
        return h.join() === ips.map((ip) => `${ip} HEALTHY`).join() ? true : undefined;
      },
      WAIT_MS,
    );

    // The whole cluster fails: the endpoints stay attached (this test's mode) but turn UNHEALTHY.
    await sim.setReady('all', false);
    await pollUntil(
      'both unhealthy',
      async () => {
        const h = await health();
        return h.join() === ips.map((ip) => `${ip} UNHEALTHY`).join() ? true : undefined;
      },
      WAIT_MS,
    );
    await sim.setReady('all', true);
    await pollUntil(
      'healthy again',
      async () => ((await health()).every((s) => s.endsWith(' HEALTHY')) ? true : undefined),
      WAIT_MS,
    );

    // Leaving as the design orders it: while the backend service still uses the NEGs, GKE cannot
    // delete them (and keeps trying, quietly); once they are detached, they go.
    await kubectl('member-1', ['-n', ns, 'annotate', 'svc', 'web', 'cloud.google.com/neg-']);
    await pollUntil(
      'the neg-status annotation to go',
      async () => {
        const svc = await getJson<{ metadata: { annotations?: Record<string, string> } }>('member-1', [
          '-n',
          ns,
          'get',
          'svc',
          'web',
        ]);
        return svc.metadata.annotations?.['cloud.google.com/neg-status'] === undefined ? true : undefined;
      },
      WAIT_MS,
    );
    const negsLeft = async () => {
      let n = 0;
      for (const zone of ['us-central1-a', 'us-central1-b']) {
        n += ((await api.networkEndpointGroups.list({ project, zone })).data.items ?? []).length;
      }
      return n;
    };
    expect(await negsLeft()).to.equal(2);
    await done((await api.backendServices.delete({ project, backendService: 'bs' })).data);
    await pollUntil(
      'the NEGs to go once unused',
      async () => ((await negsLeft()) === 0 ? true : undefined),
      WAIT_MS,
    );
  });

  it('keeps instance groups with named ports for gce-multi-cluster Ingresses in every member', async () => {
    const members = ['member-1', 'member-2'];
    await setUp(members);
    const ingress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: ${ns}
  annotations: {kubernetes.io/ingress.class: gce-multi-cluster}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`;
    for (const m of members) {
      await kubectl(
        m,
        ['apply', '-f', '-'],
        app(ns, { replicas: 1, serviceType: 'NodePort' }) + '---' + ingress,
      );
    }
    for (const m of members) {
      const sim = sims!.get(m);
      const svc = await getJson<{ spec: { ports: { nodePort: number }[] } }>(m, [
        '-n',
        ns,
        'get',
        'svc',
        'web',
      ]);
      const nodePort = svc.spec.ports[0]!.nodePort;
      const annotation = await pollUntil(
        `${m}: the instance-groups annotation`,
        async () => {
          const ing = await getJson<{ metadata: { annotations?: Record<string, string> } }>(m, [
            '-n',
            ns,
            'get',
            'ingress',
            'shop',
          ]);
          return ing.metadata.annotations?.['ingress.gcp.kubernetes.io/instance-groups'];
        },
        WAIT_MS,
      );
      const zones = [...new Set(sim.nodes.map((n) => n.zone))].sort();
      const zoneUrl = (z: string) =>
        `https://www.googleapis.com/compute/v1/projects/${gce!.project}/zones/${z}`;
      expect(JSON.parse(annotation)).to.deep.equal(
        zones.map((z) => ({ Name: sim.instanceGroupName, Zone: zoneUrl(z) })),
      );
      for (const zone of zones) {
        const ig = (
          await api.instanceGroups.get({ project: gce!.project, zone, instanceGroup: sim.instanceGroupName })
        ).data;
        expect(ig.namedPorts).to.deep.equal([{ name: `port${nodePort}`, port: nodePort }]);
        const members_ = await api.instanceGroups.listInstances({
          project: gce!.project,
          zone,
          instanceGroup: sim.instanceGroupName,
          requestBody: { instanceState: 'ALL' },
        });
        const names = (members_.data.items ?? []).map((i) => i.instance!.split('/').pop()).sort();
        expect(names).to.deep.equal(
          sim.nodes
            .filter((n) => n.zone === zone)
            .map((n) => n.name)
            .sort(),
        );
      }
    }
    // VM health follows the pods: a backend service over member-2's groups sees its nodes fail.
    const project = gce!.project;
    const base = `https://www.googleapis.com/compute/v1/projects/${project}`;
    const m2 = sims!.get('member-2');
    const m2Svc = await getJson<{ spec: { ports: { nodePort: number }[] } }>('member-2', [
      '-n',
      ns,
      'get',
      'svc',
      'web',
    ]);
    const m2Port = m2Svc.spec.ports[0]!.nodePort;
    await done(
      (
        await api.healthChecks.insert({
          project,
          requestBody: { name: 'hc-ig', type: 'HTTP', httpHealthCheck: { port: m2Port } },
        })
      ).data,
    );
    const groups = [...new Set(m2.nodes.map((n) => n.zone))].map(
      (z) => `${base}/zones/${z}/instanceGroups/${m2.instanceGroupName}`,
    );
    await done(
      (
        await api.backendServices.insert({
          project,
          requestBody: {
            name: 'bs-ig',
            portName: `port${m2Port}`,
            healthChecks: [`${base}/global/healthChecks/hc-ig`],
            backends: groups.map((group) => ({ group, balancingMode: 'RATE', maxRatePerInstance: 1 })),
          },
        })
      ).data,
    );
    const igHealth = async () => {
      const states: string[] = [];
      for (const group of groups) {
        const res = await api.backendServices.getHealth({
          project,
          backendService: 'bs-ig',
          requestBody: { group },
        });
        for (const h of res.data.healthStatus ?? []) states.push(h.healthState!);
      }
      return states;
    };
    expect(await igHealth()).to.deep.equal(m2.nodes.map(() => 'HEALTHY'));
    await m2.setReady('all', false);
    await pollUntil(
      'member-2 VMs unhealthy',
      async () => ((await igHealth()).every((h) => h === 'UNHEALTHY') ? true : undefined),
      WAIT_MS,
    );

    // Two members in one project: different groups, disjoint pod ranges.
    const [a, b] = members.map((m) => sims!.get(m));
    expect(a!.instanceGroupName).to.not.equal(b!.instanceGroupName);
    expect(a!.nodes[0]!.podCidr).to.not.equal(b!.nodes[0]!.podCidr);

    // The last multi-cluster Ingress goes: so do the groups.
    await kubectl('member-1', ['-n', ns, 'delete', 'ingress', 'shop']);
    await pollUntil(
      'member-1 groups deleted',
      async () => {
        const res = await api.instanceGroups.list({ project: gce!.project, zone: 'us-central1-a' });
        return (res.data.items ?? []).length === 0 ? true : undefined;
      },
      WAIT_MS,
    );
  });

  it('follows node changes: a node in a new zone gets its group and NEG, a removed node its pods moved', async () => {
    await setUp(['member-1']);
    const sim = sims!.get('member-1');
    const ingress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: ${ns}
  annotations: {kubernetes.io/ingress.class: gce-multi-cluster}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`;
    await kubectl(
      'member-1',
      ['apply', '-f', '-'],
      app(ns, { replicas: 2, serviceType: 'NodePort', negAnnotation: '{"exposed_ports":{"80":{}}}' }) +
        '---' +
        ingress,
    );
    await kubectl('member-1', [
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/web',
      `--timeout=${WAIT_MS / 1000}s`,
    ]);
    const added = await sim.addNode('us-central1-c');
    expect(added.zone).to.equal('us-central1-c');
    const annotations = async (kind: string, name: string) =>
      (
        await getJson<{ metadata: { annotations?: Record<string, string> } }>('member-1', [
          '-n',
          ns,
          'get',
          kind,
          name,
        ])
      ).metadata.annotations ?? {};
    await pollUntil(
      'the new zone in both annotations',
      async () => {
        const igs = (await annotations('ingress', 'shop'))['ingress.gcp.kubernetes.io/instance-groups'] ?? '';
        const negs = (await annotations('svc', 'web'))['cloud.google.com/neg-status'] ?? '';
        return igs.includes('us-central1-c') && negs.includes('us-central1-c') ? true : undefined;
      },
      WAIT_MS,
    );
    const ig = await api.instanceGroups.listInstances({
      project: gce!.project,
      zone: 'us-central1-c',
      instanceGroup: sim.instanceGroupName,
      requestBody: {},
    });
    expect((ig.data.items ?? []).map((i) => i.instance)).to.deep.equal([added.instanceUrl]);

    // Removing a node evicts its pods; the Deployment replaces them on the remaining nodes.
    const pods = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
    const doomed = pods.items[0]!.spec.nodeName!;
    await sim.removeNode(doomed);
    await pollUntil(
      'two ready pods, none on the removed node',
      async () => {
        const now = await getJson<PodList>('member-1', ['-n', ns, 'get', 'pods']);
        const ok = now.items.length === 2 && now.items.every((p) => isReady(p) && p.spec.nodeName !== doomed);
        return ok ? true : undefined;
      },
      WAIT_MS,
    );
    expect(sim.nodes.map((n) => n.name)).to.not.include(doomed);
  });

  it('stops cleanly: nodes, watches and timers go, and the pods are released', async () => {
    await setUp(['member-1']);
    await kubectl('member-1', ['apply', '-f', '-'], app(ns, { replicas: 1 }));
    await kubectl('member-1', [
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/web',
      `--timeout=${WAIT_MS / 1000}s`,
    ]);
    const handlesBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await sims!.stop();
    const nodes = await getJson<{ items: unknown[] }>('member-1', [
      'get',
      'nodes',
      '-l',
      'simulator.kubemci.io/node-prefix',
    ]);
    expect(nodes.items).to.have.length(0);
    // The VMs went with the nodes.
    const vms = await api.instances.list({ project: gce!.project, zone: 'us-central1-a' });
    expect(vms.data.items ?? []).to.have.length(0);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.be.at.most(
      handlesBefore,
    );
  });
});
