import { expect } from 'chai';
import { frontendNames } from '../../../src/naming/gce-names.ts';
import {
  INGRESS,
  INSTANCE_ID,
  PROJECT,
  calls,
  clearCalls,
  desiredOf,
  expectConverged,
  expectWorldMatches,
  gceClient,
  isWrite,
  prepare,
  startWorld,
  sync,
} from './harness.ts';
import type { Scenario, World } from './harness.ts';

const proxyPath = `projects/${PROJECT}/global/targetHttpsProxies/${
  frontendNames({ instanceId: INSTANCE_ID, ...INGRESS }).targetHttpsProxy
}`;

/** What the HTTPS proxy served at one moment, and whether that was a valid certificate. */
interface Moment {
  readonly certificates: readonly string[];
  readonly problem?: string;
}

/**
 * The HTTPS proxy's certificates right now, judged against the emulator's own records: the list
 * must be non-empty and every certificate in it must exist and not be on its way out.
 */
function inspect(world: World): Moment | undefined {
  const resources = world.emulator.state().resources;
  const proxy = resources.find((r) => r.path === proxyPath);
  if (proxy === undefined) return undefined;
  const certificates = (proxy.body.sslCertificates ?? []) as string[];
  if (certificates.length === 0) return { certificates, problem: 'the proxy has no certificate' };
  for (const url of certificates) {
    const path = url.replace(/^https?:\/\/[^/]+\/compute\/v1\//, '');
    const cert = resources.find((r) => r.path === path);
    if (cert === undefined) return { certificates, problem: `${path} does not exist` };
    if (cert.state !== 'ready') return { certificates, problem: `${path} is ${cert.state}` };
  }
  return { certificates };
}

describe('load-balancer core: certificate rotation', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  it('keeps a valid certificate on the proxy at every moment', async () => {
    await prepare(world, 10);
    // Slow certificate and proxy operations widen every window in which the order could be wrong.
    world.emulator.setConfig({
      methodLatency: {
        'compute.sslCertificates.insert': 40,
        'compute.sslCertificates.delete': 40,
        'compute.targetHttpsProxies.setSslCertificates': 40,
      },
    });
    const before: Scenario = { mode: 'neg', certificate: 'a' };
    const after: Scenario = { mode: 'neg', certificate: 'b' };
    const gce = gceClient(world);
    expectConverged(await sync(gce, before));
    await clearCalls(world);

    // The emulator changes state only while serving a call or when an operation's timer fires;
    // the proxy is inspected after every one of those, so no moment goes unseen.
    const moments: Moment[] = [];
    world.onChange(() => {
      const moment = inspect(world);
      if (moment !== undefined) moments.push(moment);
    });
    const result = await sync(gce, after);
    world.onChange(undefined);

    expectConverged(result);
    expect(moments.length, 'moments observed').to.be.greaterThan(6);
    expect(
      moments.filter((m) => m.problem !== undefined),
      'moments without a valid certificate',
    ).to.deep.equal([]);
    const history = moments
      .map((m) => m.certificates.join(','))
      .filter((list, i, all) => i === 0 || list !== all[i - 1]);
    const certificateUrl = (s: Scenario) =>
      (desiredOf(s).find((d) => d.kind === 'targetHttpsProxies')?.body.sslCertificates as string[]).join(',');
    expect(history, 'certificate lists the proxy went through').to.deep.equal([
      certificateUrl(before),
      certificateUrl(after),
    ]);

    // The order that made it so: create the new certificate, repoint the proxy, delete the old.
    const writes = (await calls(world)).filter((c) => isWrite(c.method));
    expect(writes.map((c) => c.method)).to.deep.equal([
      'compute.sslCertificates.insert',
      'compute.targetHttpsProxies.setSslCertificates',
      'compute.sslCertificates.delete',
    ]);
    await expectWorldMatches(world, desiredOf(after));
  });
});
