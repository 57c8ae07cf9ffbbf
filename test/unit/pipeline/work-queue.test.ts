import { expect } from 'chai';
import { map, NEVER, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { ReconcileError } from '../../../src/pipeline/errors.ts';
import type { Outcome, QueueDepth, ReconcileResult } from '../../../src/pipeline/outcome.ts';
import { workQueue } from '../../../src/pipeline/work-queue.ts';
import type { WorkQueueOptions } from '../../../src/pipeline/work-queue.ts';
import { collect, newTestScheduler } from './marbles.ts';

const ok: Outcome = { kind: 'ok' };
const terminal: Outcome = { kind: 'error', error: new Error('invalid spec'), terminal: true };
const outcomes = { o: ok, t: terminal, r: { kind: 'requeue', after: 5 }, q: { kind: 'requeue' } } as const;

/** What a test looks at in a result: the key, the outcome's kind, the failure count, the retry delay. */
function brief(r: ReconcileResult): string {
  return `${r.key}:${r.outcome.kind}:${r.failures}:${r.retryIn ?? '-'}`;
}

describe('workQueue', () => {
  let ts: TestScheduler;
  beforeEach(() => {
    ts = newTestScheduler();
  });

  const opts = (extra: Partial<WorkQueueOptions> = {}): WorkQueueOptions => ({
    concurrency: 1,
    backoff: { baseMs: 10, maxMs: 40 },
    ...extra,
  });

  it('collapses a burst on a key that has not started into one run', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const keys = hot('  -baaa--------');
      const b = cold('     -----(o|)', outcomes);
      const a = cold('          --(o|)', outcomes);
      const out = keys.pipe(workQueue((k) => (k === 'a' ? a : b), opts()));
      expectObservable(out.pipe(map((r) => r.key))).toBe('------b-a----');
      expectSubscriptions(b.subscriptions).toBe('-^----!');
      expectSubscriptions(a.subscriptions).toBe('------^-!');
    });
  });

  it('never runs a key twice at once and owes exactly one trailing run after a burst during a run', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const keys = hot('  -aaaa-------a-----');
      const a = cold('     ----(o|)', outcomes);
      const out = keys.pipe(workQueue(() => a, opts({ concurrency: 4 })));
      expectObservable(out.pipe(map((r) => r.key))).toBe('-----a---a------a-');
      expectSubscriptions(a.subscriptions).toBe(['-^---!', '-----^---!', '------------^---!']);
    });
  });

  it('serialises per key without blocking other keys', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('  -a-ab------');
      const a = cold('     -----(o|)', outcomes);
      const b = cold('        --(o|)', outcomes);
      keys.pipe(workQueue((k) => (k === 'a' ? a : b), opts({ concurrency: 4 }))).subscribe();
      ts.flush();
      expectSubscriptions(a.subscriptions).toBe(['-^----!', '------^----!']);
      expectSubscriptions(b.subscriptions).toBe('----^-!');
    });
  });

  it('bounds concurrency over all keys and reports the queue depth', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const depths: (QueueDepth & { at: number })[] = [];
      const keys = hot('  -(abc)-----');
      const runs = {
        a: cold('---(o|)', outcomes),
        b: cold('---(o|)', outcomes),
        c: cold('---(o|)', outcomes),
      };
      const out = keys.pipe(
        workQueue((k) => runs[k as keyof typeof runs], {
          ...opts({ concurrency: 2 }),
          onDepth: (d) => depths.push({ ...d, at: ts.now() }),
        }),
      );
      const seen = collect(ts, out.pipe(map((r) => r.key)));
      expectSubscriptions(runs.a.subscriptions).toBe('-^--!');
      expectSubscriptions(runs.b.subscriptions).toBe('-^--!');
      expectSubscriptions(runs.c.subscriptions).toBe('----^--!');
      ts.flush();
      expect(seen).to.deep.equal(['4 a', '4 b', '7 c']);
      expect(depths).to.deep.equal([
        { pending: 0, running: 1, delayed: 0, at: 1 },
        { pending: 0, running: 2, delayed: 0, at: 1 },
        { pending: 1, running: 2, delayed: 0, at: 1 },
        { pending: 0, running: 2, delayed: 0, at: 4 },
        { pending: 0, running: 1, delayed: 0, at: 4 },
        { pending: 0, running: 0, delayed: 0, at: 7 },
      ]);
    });
  });

  it('retries a failing key with exponential backoff, capped', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const keys = hot('-a');
      const a = cold<Outcome>('-#');
      const out = keys.pipe(
        workQueue(() => a, opts()),
        map(brief),
      );
      // Fails at 2, 13, 34, 75, 116, 157, 198: waits 10, 20, 40, then the 40 ms cap.
      expectObservable(out, '^ 200ms !').toBe('--a 10ms b 20ms c 40ms d 40ms e 40ms f 40ms g', {
        a: 'a:error:1:10',
        b: 'a:error:2:20',
        c: 'a:error:3:40',
        d: 'a:error:4:40',
        e: 'a:error:5:40',
        f: 'a:error:6:40',
        g: 'a:error:7:40',
      });
      expectSubscriptions(a.subscriptions).toBe([
        '-^!',
        '12ms ^!',
        '33ms ^!',
        '74ms ^!',
        '115ms ^!',
        '156ms ^!',
        '197ms ^!',
      ]);
    });
  });

  it('resets the backoff after a success', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('-a 48ms a');
      const runs = [
        cold<Outcome>('-#'),
        cold<Outcome>('-#'),
        cold('-(o|)', outcomes),
        cold<Outcome>('-#'),
        cold('-(o|)', outcomes),
      ];
      let n = 0;
      keys.pipe(workQueue(() => runs[n++] ?? NEVER, opts())).subscribe();
      ts.flush();
      expectSubscriptions(runs[2]!.subscriptions).toBe('33ms ^!');
      // The failure after the success waits the base delay again, not 40 ms.
      expectSubscriptions(runs[3]!.subscriptions).toBe('50ms ^!');
      expectSubscriptions(runs[4]!.subscriptions).toBe('61ms ^!');
      expect(n).to.equal(5);
    });
  });

  it('isolates errors: a key failing forever, or a reconcile that throws, never stops the others', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('  -ac-b----b---------');
      const a = cold<Outcome>('-#');
      const b = cold('-(o|)', outcomes);
      const reconcile = (k: string): Observable<Outcome> => {
        if (k === 'c') throw new Error('bug in reconcile');
        return k === 'a' ? a : b;
      };
      const seen = collect(ts, keys.pipe(workQueue(reconcile, opts()), map(brief)), 21);
      ts.flush();
      expect(seen).to.deep.equal([
        '2 a:error:1:10',
        '2 c:error:1:10',
        '5 b:ok:0:-',
        '10 b:ok:0:-',
        '13 a:error:2:20',
        '13 c:error:2:20',
      ]);
      expectSubscriptions(b.subscriptions).toBe(['----^!', '---------^!']);
      expectSubscriptions(a.subscriptions).toBe(['-^!', '12ms ^!']);
    });
  });

  it('does not retry a terminal error', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const keys = hot('-a');
      const a = cold('-(t|)', outcomes);
      expectObservable(
        keys.pipe(
          workQueue(() => a, opts()),
          map(brief),
        ),
        '^ 100ms !',
      ).toBe('--t', {
        t: 'a:error:0:-',
      });
      expectSubscriptions(a.subscriptions).toBe('-^!');
    });
  });

  it('requeues after the requested delay, or after the backoff for a bare requeue', () => {
    ts.run(({ hot, cold, expectObservable }) => {
      const keys = hot('-ab');
      const runs = { a: [cold('-(r|)', outcomes), cold('-(o|)', outcomes)], b: [cold('-(q|)', outcomes)] };
      const reconcile = (k: string) => runs[k as 'a' | 'b'].shift() ?? cold('-(q|)', outcomes);
      const out = keys.pipe(workQueue(reconcile, opts({ concurrency: 2 })), map(brief));
      // a asks for 5 ms (no failure counted); b's bare requeues back off 10, 20, 40 ms.
      expectObservable(out, '^ 40ms !').toBe('--xq----y-----m 20ms n', {
        x: 'a:requeue:0:5',
        q: 'b:requeue:1:10',
        y: 'a:ok:0:-',
        m: 'b:requeue:2:20',
        n: 'b:requeue:3:40',
      });
    });
  });

  it('runs a key waiting for its backoff at once on a new trigger, keeping its failure count', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('-a---a');
      const a = cold<Outcome>('-#');
      collect(
        ts,
        keys.pipe(
          workQueue(() => a, opts()),
          map(brief),
        ),
        30,
      );
      ts.flush();
      // Fails at 2 (retry due at 12), runs early at 5, fails again and waits 20 ms: 6 + 20 = 26.
      expectSubscriptions(a.subscriptions).toBe(['-^!', '-----^!', '26ms ^!']);
    });
  });

  it('forgets a key: a scheduled retry and a trailing run are dropped; later triggers are new', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('  -a--------b-b--------b');
      const forget = hot('-----a-------b');
      const a = cold<Outcome>('-#');
      const b = cold<Outcome>('-----#');
      const out = keys.pipe(workQueue((k) => (k === 'a' ? a : b), { ...opts(), forget$: forget }));
      const seen = collect(ts, out.pipe(map(brief)), 40);
      ts.flush();
      expect(seen).to.deep.equal(['2 a:error:1:10', '15 b:error:0:-', '26 b:error:1:10']);
      // a: fails at 2, retry due at 12 dropped by the forget at 5.
      expectSubscriptions(a.subscriptions).toBe('-^!');
      // b: runs 10-15 with a trailing run owed from 12; the forget at 13 drops both the trailing run
      // and the retry of the failure at 15. The trigger at 21 starts afresh and waits the base delay.
      expect(b.subscriptions.map((s) => s.subscribedFrame)).to.deep.equal([10, 21, 36]);
    });
  });

  it('forgets a key that waits for a slot; a later trigger is new', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('  -ba--------a-b-');
      const forget = hot('---a------b--');
      const b = cold('-----(o|)', outcomes);
      const a = cold('--(o|)', outcomes);
      keys.pipe(workQueue((k) => (k === 'a' ? a : b), { ...opts(), forget$: forget })).subscribe();
      ts.flush();
      // a waits behind b and is forgotten at 3; the trigger at 11 runs it.
      expectSubscriptions(a.subscriptions).toBe('11ms ^-!');
      // b is forgotten at 10 while idle (a no-op), and runs again on the trigger at 13.
      expectSubscriptions(b.subscriptions).toBe(['-^----!', '13ms ^----!']);
    });
  });

  it('runs the trailing run of a trigger that arrives after a forget during the run', () => {
    ts.run(({ hot, cold, expectSubscriptions }) => {
      const keys = hot('  -a---a---');
      const forget = hot('---a-----');
      const a = cold<Outcome>('-----#');
      const seen = collect(
        ts,
        keys.pipe(
          workQueue(() => a, { ...opts(), forget$: forget }),
          map(brief),
        ),
        20,
      );
      ts.flush();
      // The first run's failure is not retried (forgotten); the trigger at 5 is new and owed a run.
      expectSubscriptions(a.subscriptions).toBe(['-^----!', '6ms ^----!']);
      expect(seen).to.deep.equal(['6 a:error:0:-', '11 a:error:1:10']);
    });
  });

  it('unsubscribes in-flight reconciles and cancels timers on early unsubscribe', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const keys = hot('-c-ab----');
      const c = cold<Outcome>('  -#');
      const a = cold('    -----(o|)', outcomes);
      const b = cold('-(o|)', outcomes);
      const runs = { a, b, c };
      const out = keys.pipe(
        workQueue((k) => runs[k as keyof typeof runs], opts()),
        map(brief),
      );
      expectObservable(out, '^-----!').toBe('--x', { x: 'c:error:1:10' });
      expectSubscriptions(a.subscriptions).toBe('---^--!');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('-^!');
    });
  });

  it('drains owed runs when the source completes, dropping retries', () => {
    ts.run(({ hot, cold, expectObservable }) => {
      const a = cold('---(o|)', outcomes);
      expectObservable(
        hot('-aa-|').pipe(
          workQueue(() => a, opts()),
          map((r) => r.key),
        ),
      ).toBe('----a--(a|)');
      const failing = cold<Outcome>('-#');
      expectObservable(
        hot('-b|').pipe(
          workQueue(() => failing, opts()),
          map(brief),
        ),
      ).toBe('--(x|)', {
        x: 'b:error:1:-',
      });
    });
  });

  it('errors when the source errors, unsubscribing in-flight reconciles', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-----(o|)', outcomes);
      expectObservable(hot('-a-#').pipe(workQueue(() => a, opts()))).toBe('---#');
      expectSubscriptions(a.subscriptions).toBe('-^-!');
    });
  });

  it('passes through an empty source and stays silent on a never source', () => {
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(workQueue(() => of(ok), opts()))).toBe('|');
      expectObservable(cold('-').pipe(workQueue(() => of(ok), opts()))).toBe('-');
    });
  });

  it('reports start and finish times, and ends a run at its first outcome', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = cold('---o--t', outcomes);
      const expected: ReconcileResult = { key: 'a', outcome: ok, startedAt: 1, finishedAt: 4, failures: 0 };
      expectObservable(hot('-a').pipe(workQueue(() => a, opts()))).toBe('----x', { x: expected });
      expectSubscriptions(a.subscriptions).toBe('-^--!');
    });
  });

  it('counts a reconcile that completes without an outcome as a retryable failure', () => {
    ts.run(({ hot, cold, expectObservable }) => {
      const a = cold<Outcome>('-|');
      const out = hot('-a').pipe(
        workQueue(() => a, opts()),
        map((r) => (r.outcome.kind === 'error' ? r.outcome.error : undefined)),
        map((e) => `${e instanceof ReconcileError}:${e?.message}:${e instanceof ReconcileError && e.key}`),
      );
      expectObservable(out, '^ 5ms !').toBe('--x', {
        x: 'true:reconcile of a: completed without an outcome:a',
      });
    });
  });

  it('runs synchronous reconciles in order under the bound', () => {
    ts.run(({ hot, expectObservable }) => {
      const out = hot('-(abc)').pipe(
        workQueue(() => of(ok), opts()),
        map((r) => r.key),
      );
      expectObservable(out).toBe('-(abc)');
    });
  });

  it('refuses a bad concurrency or backoff policy at once', () => {
    expect(() => workQueue(() => of(ok), opts({ concurrency: 0 }))).to.throw(RangeError, /concurrency/);
    expect(() => workQueue(() => of(ok), opts({ backoff: { baseMs: 10, maxMs: 5 } }))).to.throw(
      RangeError,
      /maxMs/,
    );
  });
});
