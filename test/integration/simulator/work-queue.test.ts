// The simulator's work queue, driven by hand-resolved promises (no timers): keys coalesce, a key
// added while running runs once more, keys never overlap, and stop waits for the work in flight.
import { expect } from 'chai';
import { WorkQueue } from '../../simulator/work-queue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('simulator work queue', () => {
  it('runs a key added during its run exactly once more, however often it was added', async () => {
    const runs: string[] = [];
    const gates = [deferred(), deferred()];
    const q = new WorkQueue({
      handler: async (key) => {
        runs.push(key);
        await gates[runs.length - 1]!.promise;
      },
    });
    q.add('a');
    q.add('a');
    q.add('a');
    expect(runs).to.deep.equal(['a']);
    gates[0]!.resolve();
    gates[1]!.resolve();
    await q.whenIdle();
    expect(runs).to.deep.equal(['a', 'a']);
    await q.stop();
  });

  it('queues a key once while it waits, and never runs two keys past the concurrency bound', async () => {
    let running = 0;
    let peak = 0;
    const runs: string[] = [];
    const gate = deferred();
    const q = new WorkQueue({
      concurrency: 2,
      handler: async (key) => {
        runs.push(key);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      },
    });
    for (const k of ['a', 'b', 'c', 'c', 'd', 'c']) q.add(k);
    expect(runs).to.deep.equal(['a', 'b']);
    gate.resolve();
    await q.whenIdle();
    expect(runs).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(peak).to.equal(2);
    await q.stop();
  });

  it('reports a failure and stops waiting work on stop, after the run in flight ends', async () => {
    const errors: string[] = [];
    const gate = deferred();
    let finished = false;
    const q = new WorkQueue({
      handler: async (key) => {
        if (key === 'bad') throw new Error('boom');
        await gate.promise;
        finished = true;
      },
      onError: (key, err) => errors.push(`${key}: ${(err as Error).message}`),
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    q.add('bad');
    await q.whenIdle();
    expect(errors).to.deep.equal(['bad: boom']);
    q.add('slow');
    q.add('never');
    const stopped = q.stop();
    gate.resolve();
    await stopped;
    expect(finished).to.equal(true);
    q.add('after-stop');
    await q.whenIdle();
  });
});
