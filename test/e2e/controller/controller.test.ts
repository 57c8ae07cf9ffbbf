import { expect } from 'chai';
import { pollUntil } from '../../harness/poll.ts';
import { kubectlOk } from '../registry-crds/kubectl.ts';
import { sharedEnv } from '../setup.ts';
import { ingressManifest, startWorld, type ControllerProcess, type World } from './world.ts';

interface StatusJson {
  vip?: string;
  clusters: {
    name: string;
    backends: { groups: string[]; capacityScaler: number }[];
    problems: { code: string }[];
  }[];
  lastError?: { reason: string; message: string };
}

describe('kubemci-controller end to end', function () {
  this.timeout(240_000);
  let world: World;
  let controller: ControllerProcess;
  let c1: string;
  let c2: string;

  before(async () => {
    world = await startWorld(sharedEnv(), { opLatencyMs: 20 });
    await world.deployApp('member-1');
    await world.deployApp('member-2');
    c1 = await world.register('member-1', { labels: { region: 'us' } });
    c2 = await world.register('member-2', { enable: false, labels: { region: 'eu' } });
    controller = await world.startController();
  });
  after(async () => {
    if (controller && process.env.KUBEMCI_E2E_KEEP_LOG) console.log(controller.log());
    await world?.stop();
  });

  const status = async (name: string): Promise<StatusJson | undefined> => {
    const raw = await world.kubectl(
      'registry',
      '-n',
      world.ns,
      'get',
      'ingress',
      name,
      '-o',
      'jsonpath={.metadata.annotations.kubemci\\.io/status}',
    );
    return raw ? (JSON.parse(raw) as StatusJson) : undefined;
  };
  const ourResources = async () => {
    const state = (await world.emulator.state()) as {
      resources?: { kind: string; name: string; description?: string }[];
    };
    return state;
  };

  it('serves an Ingress of class kubemci: the VIP appears in status, backends from the enabled cluster', async () => {
    await kubectlOk(
      world.env.kubectlPath,
      ['--kubeconfig', world.env.registry.kubeconfig, 'apply', '-f', '-'],
      {
        input: ingressManifest(world.ns, 'shop'),
      },
    );
    const ip = await pollUntil(
      'the VIP in the Ingress status',
      async () => {
        const out = await world.kubectl(
          'registry',
          '-n',
          world.ns,
          'get',
          'ingress',
          'shop',
          '-o',
          'jsonpath={.status.loadBalancer.ingress[0].ip}',
        );
        return out || undefined;
      },
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- controller log ---\n${controller.log().slice(-6000)}`);
    });
    expect(ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    const s = await status('shop');
    expect(s?.vip).to.equal(ip);
    const names = s!.clusters.map((c) => c.name);
    expect(names).to.deep.equal([c1]);
    expect(s!.clusters[0]!.backends[0]!.groups.length).to.be.greaterThan(0);
    void ourResources;
    void c2;
  });
});
