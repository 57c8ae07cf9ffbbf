import { expect } from 'chai';
import { ClusterError } from '../../../src/cli/kubemci/errors.ts';
import type { InstanceInfo } from '../../../src/cli/kubemci/instance-reader.ts';
import { discoverNodeNetwork, sampleNodes } from '../../../src/cli/kubemci/node-network.ts';

const nodes = [
  { name: 'n-b-1', providerId: 'gce://p/us-central1-b/vm-b-1' },
  { name: 'n-a-2', providerId: 'gce://p/us-central1-a/vm-a-2' },
  { name: 'n-a-1', providerId: 'gce://p/us-central1-a/vm-a-1' },
  { name: 'kind-node', providerId: 'kind://docker/x' },
  { name: 'bare' },
].sort((a, b) => (a.name < b.name ? -1 : 1));

describe('kubemci CLI: node network tags', () => {
  it('reads one GCE node per zone, the first by name', () => {
    expect(sampleNodes(nodes)).to.deep.equal([
      { project: 'p', zone: 'us-central1-a', name: 'vm-a-1' },
      { project: 'p', zone: 'us-central1-b', name: 'vm-b-1' },
    ]);
  });

  it('keeps the tags every sampled VM has, and the first network', async () => {
    const vms: Record<string, InstanceInfo> = {
      'vm-a-1': { tags: ['gke-c-node', 'http-server'], network: 'global/networks/default' },
      'vm-b-1': { tags: ['gke-c-node'], network: 'global/networks/other' },
    };
    const asked: string[] = [];
    const network = await discoverNodeNetwork('c', nodes, async (project, zone, name) => {
      asked.push(`${project}/${zone}/${name}`);
      return vms[name];
    });
    expect(asked).to.deep.equal(['p/us-central1-a/vm-a-1', 'p/us-central1-b/vm-b-1']);
    expect(network).to.deep.equal({ tags: ['gke-c-node'], network: 'global/networks/default' });
  });

  it('gives nothing for clusters off GCE, and a ClusterError when a VM cannot be read', async () => {
    expect(await discoverNodeNetwork('c', [{ name: 'bare' }], async () => undefined)).to.deep.equal({});
    const failing = discoverNodeNetwork('c', nodes, async () => {
      throw new Error('HTTP 403');
    });
    const err = await failing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ClusterError);
    expect((err as Error).message).to.equal('cluster c: HTTP 403');
  });
});
