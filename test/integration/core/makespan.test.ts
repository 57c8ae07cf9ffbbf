import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import {
  calls,
  dependencyDepth,
  desiredOf,
  expectConverged,
  expectWorldMatches,
  gceClient,
  ownedKeys,
  prepare,
  startWorld,
  sync,
  writeMethods,
} from './harness.ts';
import type { Scenario, World } from './harness.ts';

/** Every operation takes this long, as GCE's take seconds: the cost is in their order. */
const OPERATION_LATENCY_MS = 200;

describe('load-balancer core: makespan', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.emulator.close();
  });

  it('creates a fresh load balancer in about depth x latency, not resources x latency', async () => {
    await prepare(world, OPERATION_LATENCY_MS);
    const scenario: Scenario = { mode: 'neg', certificate: 'a' };
    const desired = desiredOf(scenario);
    const depth = dependencyDepth(desired);
    const resources = ownedKeys(desired).length;
    const gce = gceClient(world);

    const started = performance.now();
    const result = await sync(gce, scenario);
    const makespan = Math.round(performance.now() - started);

    expectConverged(result);
    await expectWorldMatches(world, desired);
    const log = await calls(world);
    const bound = (depth + 1) * OPERATION_LATENCY_MS * 1.5;
    console.log(
      `      fresh create (neg, HTTPS): ${resources} resources, dependency depth ${depth}, ` +
        `${log.length} calls (${writeMethods(log).length} writes), makespan ${makespan} ms ` +
        `at ${OPERATION_LATENCY_MS} ms per operation (bound ${bound} ms, sequential ${resources * OPERATION_LATENCY_MS} ms)`,
    );
    // hc -> backend service -> URL map -> HTTPS proxy -> forwarding rule.
    expect(depth).to.equal(5);
    expect(makespan, 'no faster than the longest chain of operations').to.be.at.least(
      depth * OPERATION_LATENCY_MS,
    );
    expect(makespan, 'makespan').to.be.at.most(bound);
  });
});
