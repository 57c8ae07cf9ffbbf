// The simulator's Compute calls against the emulator: the VMs, NEGs and instance groups GKE
// would make, in the shapes the emulator (and GCE) accept.
import { compute } from '@googleapis/compute';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { ComputeApi } from '../../simulator/compute.ts';
import { ComputeCallError } from '../../simulator/errors.ts';
import { emulatorHealthSink } from '../../simulator/health-sink.ts';

const ZONE = 'us-central1-a';

describe('simulator Compute calls (against the emulator)', function () {
  let gce: Emulator;
  let api: ComputeApi;

  before(async () => {
    gce = await startEmulator({ project: 'sim-project', opLatencyMs: 5 });
    api = new ComputeApi({ endpoint: gce.endpoint, project: gce.project, operationTimeoutMs: 5_000 });
  });
  after(async () => {
    await gce?.close();
  });

  async function vm(name: string, podRange: string) {
    await api.insertInstance(ZONE, {
      name,
      machineType: `zones/${ZONE}/machineTypes/e2-medium`,
      networkInterfaces: [
        {
          network: 'projects/sim-project/global/networks/default',
          aliasIpRanges: [{ ipCidrRange: podRange }],
        },
      ],
      tags: { items: ['gke-sim-node'] },
    });
    return (await api.getInstance(ZONE, name))!;
  }

  it('creates a VM whose pod range holds NEG endpoints, and keeps the NEG in step', async () => {
    const instance = await vm('node-a', '10.4.0.0/24');
    expect(instance.networkInterfaces?.[0]?.networkIP).to.match(/^10\.128\./);
    await api.insertNeg(ZONE, { name: 'neg-1', networkEndpointType: 'GCE_VM_IP_PORT', description: '{}' });
    await api.attachEndpoints(ZONE, 'neg-1', [
      { instance: 'node-a', ipAddress: '10.4.0.2', port: 8080 },
      { instance: 'node-a', ipAddress: '10.4.0.3', port: 8080 },
    ]);
    await api.detachEndpoints(ZONE, 'neg-1', [{ instance: 'node-a', ipAddress: '10.4.0.2', port: 8080 }]);
    expect(await api.listNegEndpoints(ZONE, 'neg-1')).to.deep.equal([
      { instance: 'node-a', ipAddress: '10.4.0.3', port: 8080 },
    ]);
    expect((await api.listNegs(ZONE, 'neg-')).map((n) => n.name)).to.deep.equal(['neg-1']);
    // An address outside the VM's ranges is refused, as GCE refuses it.
    const err = await api
      .attachEndpoints(ZONE, 'neg-1', [{ instance: 'node-a', ipAddress: '10.9.0.2', port: 8080 }])
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ComputeCallError);
    expect((err as ComputeCallError).status).to.equal(400);
    await api.deleteNeg(ZONE, 'neg-1');
    await api.deleteNeg(ZONE, 'neg-1'); // already gone: still success
    expect(await api.getNeg(ZONE, 'neg-1')).to.equal(undefined);
  });

  it('keeps an unmanaged instance group with members and named ports', async () => {
    const instance = await vm('node-b', '10.4.1.0/24');
    await api.insertInstanceGroup(ZONE, { name: 'k8s-ig--uid' });
    await api.addInstances(ZONE, 'k8s-ig--uid', [instance.selfLink!]);
    const before = (await api.getInstanceGroup(ZONE, 'k8s-ig--uid'))!;
    await api.setNamedPorts(
      ZONE,
      'k8s-ig--uid',
      [{ name: 'port30080', port: 30080 }],
      before.fingerprint ?? undefined,
    );
    const after = (await api.getInstanceGroup(ZONE, 'k8s-ig--uid'))!;
    expect(after.namedPorts).to.deep.equal([{ name: 'port30080', port: 30080 }]);
    expect(after.zone).to.equal(`https://www.googleapis.com/compute/v1/projects/sim-project/zones/${ZONE}`);
    expect(await api.listInstanceGroupMembers(ZONE, 'k8s-ig--uid')).to.deep.equal([instance.selfLink]);
    // A stale fingerprint is refused: the controller re-reads and tries again.
    const stale = await api
      .setNamedPorts(ZONE, 'k8s-ig--uid', [], before.fingerprint ?? 'x')
      .catch((e: unknown) => e as ComputeCallError);
    expect((stale as ComputeCallError).status).to.equal(412);
    await api.removeInstances(ZONE, 'k8s-ig--uid', [instance.selfLink!]);
    expect(await api.listInstanceGroupMembers(ZONE, 'k8s-ig--uid')).to.deep.equal([]);
    await api.deleteInstanceGroup(ZONE, 'k8s-ig--uid');
    await api.deleteInstance(ZONE, 'node-b');
    expect(await api.getInstance(ZONE, 'node-b')).to.equal(undefined);
  });

  it('reports health through the emulator hooks, and clearing health of a deleted NEG is no error', async () => {
    await vm('node-c', '10.4.2.0/24');
    await api.insertNeg(ZONE, { name: 'neg-2', networkEndpointType: 'GCE_VM_IP_PORT' });
    const sink = emulatorHealthSink(gce);
    const ref = { project: gce.project, zone: ZONE, name: 'neg-2' };
    const endpoint = { instance: 'node-c', ipAddress: '10.4.2.2', port: 80 };
    await sink.setEndpointHealth(ref, endpoint, 'UNHEALTHY');
    expect(
      gce.core.health.endpoint(
        `projects/${gce.project}/zones/${ZONE}/networkEndpointGroups/neg-2`,
        '10.4.2.2',
        80,
      ),
    ).to.equal('UNHEALTHY');
    await api.deleteNeg(ZONE, 'neg-2');
    await sink.setEndpointHealth(ref, endpoint, undefined);
    expect(() => sink.setEndpointHealth(ref, endpoint, 'HEALTHY')).to.throw();
  });

  it('classifies deleting a NEG a backend service still uses as "in use"', async () => {
    await api.insertNeg(ZONE, { name: 'neg-3', networkEndpointType: 'GCE_VM_IP_PORT' });
    const project = gce.project;
    const base = `https://www.googleapis.com/compute/v1/projects/${project}`;
    const client = compute({ version: 'v1', rootUrl: gce.endpoint, retry: false });
    const wait = async (op: { name?: string | null }) => {
      await client.globalOperations.wait({ project, operation: op.name! });
    };
    await wait(
      (await client.healthChecks.insert({ project, requestBody: { name: 'hc', type: 'HTTP' } })).data,
    );
    await wait(
      (
        await client.backendServices.insert({
          project,
          requestBody: {
            name: 'bs',
            healthChecks: [`${base}/global/healthChecks/hc`],
            backends: [
              {
                group: `${base}/zones/${ZONE}/networkEndpointGroups/neg-3`,
                balancingMode: 'RATE',
                maxRatePerEndpoint: 1,
              },
            ],
          },
        })
      ).data,
    );
    const err = await api.deleteNeg(ZONE, 'neg-3').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ComputeCallError);
    expect((err as ComputeCallError).inUse).to.equal(true);
  });

  it('turns a failed call into a ComputeCallError naming the method and reason', async () => {
    const err = await api.insertNeg('us-central1-a', { name: 'Bad_Name' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ComputeCallError);
    expect((err as ComputeCallError).message).to.match(/^networkEndpointGroups\.insert: 400 invalid/);
  });
});
