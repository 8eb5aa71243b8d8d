import assert from 'node:assert/strict';
import { ADMITS_PER_UPDATE, DispatchLoop, LAUNCHES_PER_TURN, type DispatchSource } from '../../../src/core/queue/dispatch-loop';
import type { AdmitDecision, Demand, Permit, RateLimiter, Settlement } from '../../../src/core/limiter/types';
import { FakeClock } from '../../support/fake-clock';
import { makeJob } from './helpers';

/** A limiter that admits everything at once, as the in-memory one does with room to spare. */
const openLimiter = (): RateLimiter => ({
  admit: () => Promise.resolve({ admitted: true, permit: {} as Permit }),
  settle: () => Promise.resolve(),
  snapshot: () => Promise.reject(new Error('not used')),
  setLimits: () => Promise.resolve(),
});

function source(count: number, extra: Partial<DispatchSource<null>> = {}) {
  const queue = Array.from({ length: count }, (_, i) => makeJob(`j${i}`));
  const started: string[] = [];
  const src: DispatchSource<null> = {
    clock: new FakeClock(),
    limiter: openLimiter(),
    canDispatch: () => queue.length > 0,
    next: () => queue[0],
    isHead: (job) => queue[0] === job,
    mayStart: () => true,
    start: (job) => {
      queue.shift();
      started.push(job.id);
    },
    onRest: () => {},
    ...extra,
  };
  return { src, started };
}

describe('DispatchLoop', () => {
  it('lets the event loop run after every LAUNCHES_PER_TURN launches, so responses are read while a window is sent', async () => {
    const { src, started } = source(100);
    const seenByEvents: number[] = [];
    // A response arriving mid-pass: its callback runs as soon as the loop lets the event loop turn.
    const poll = (): void => {
      seenByEvents.push(started.length);
      if (started.length < 100) setImmediate(poll);
    };
    setImmediate(poll);
    await new DispatchLoop(src).pump();
    assert.equal(started.length, 100);
    assert.equal(seenByEvents[0], LAUNCHES_PER_TURN, 'the first response is read after one turn of launches, not after all 100');
  });

  it('yields through the source when it brings its own turn, and only between launches', async () => {
    const launchedAtYield: number[] = [];
    const { src, started } = source(70, {
      yieldToEvents: () => {
        launchedAtYield.push(started.length);
        return Promise.resolve();
      },
    });
    await new DispatchLoop(src).pump();
    assert.equal(started.length, 70);
    assert.deepEqual(launchedAtYield, [LAUNCHES_PER_TURN, 2 * LAUNCHES_PER_TURN]);
  });

  describe('batched admits (a limiter whose updates cost a round trip)', () => {
    /** admitMany admits the first `room` demands it is ever asked for, then refuses; every call recorded. */
    function batching(room = Number.POSITIVE_INFINITY) {
      const batches: number[] = [];
      const settled: Settlement['outcome'][] = [];
      let id = 0;
      const limiter: RateLimiter = {
        ...openLimiter(),
        admit: () => Promise.reject(new Error('a batching source admits through admitMany')),
        admitMany: (demands: readonly Demand[]) => {
          batches.push(demands.length);
          const decisions: AdmitDecision[] = [];
          for (const d of demands) {
            if (id >= room) {
              decisions.push({ admitted: false, waitMs: 1_000, blockedBy: 'requests' });
              break;
            }
            decisions.push({
              admitted: true,
              permit: { id: ++id, modelClass: d.modelClass, inputTokens: 0, outputTokens: 1, issuedAt: 0 },
            });
          }
          return Promise.resolve(decisions);
        },
        settle: (_p: Permit, s: Settlement) => {
          settled.push(s.outcome);
          return Promise.resolve();
        },
      };
      return { limiter, batches, settled };
    }

    function batchSource(count: number, limiter: RateLimiter, extra: Partial<DispatchSource<null>> = {}) {
      const queue = Array.from({ length: count }, (_, i) => makeJob(`j${i}`));
      const { src, started } = source(0, { limiter, ...extra });
      Object.assign(src, {
        canDispatch: () => queue.length > 0,
        next: (skip: (head: unknown) => boolean) => (queue[0] && !skip(queue[0]) ? queue[0] : undefined),
        isHead: (job: unknown) => queue[0] === job,
        upcoming: (_head: unknown, max: number) => queue.slice(0, max),
        start: (job: { id: string }) => {
          queue.shift();
          started.push(job.id);
        },
        ...extra,
      });
      return { src, started, queue };
    }

    it('one admitMany serves up to ADMITS_PER_UPDATE launches, in queue order, within a turn of launches', async () => {
      const { limiter, batches, settled } = batching();
      const { src, started } = batchSource(40, limiter);
      await new DispatchLoop(src).pump();
      assert.deepEqual(
        started,
        Array.from({ length: 40 }, (_, i) => `j${i}`),
      );
      assert.deepEqual(batches, [ADMITS_PER_UPDATE, LAUNCHES_PER_TURN - ADMITS_PER_UPDATE, 40 - LAUNCHES_PER_TURN]);
      assert.deepEqual(settled, []);
    });

    it('a predicted job that is not the head when its turn comes hands its permit back unsent; the real head goes', async () => {
      const { limiter, settled } = batching();
      const stray = makeJob('stray');
      const { src, started, queue } = batchSource(4, limiter);
      src.upcoming = (_head, max) => [queue[0]!, stray, ...queue.slice(1)].slice(0, max);
      await new DispatchLoop(src).pump();
      assert.deepEqual(started, ['j0', 'j1', 'j2', 'j3']);
      assert.deepEqual(settled, ['not_sent'], "the stray's permit, and only it");
    });

    it('a refusal ends the batch: the jobs before it go, its class waits, nothing is asked for again in that pass', async () => {
      const { limiter, batches } = batching(3);
      const { src, started } = batchSource(10, limiter);
      await new DispatchLoop(src).pump();
      assert.deepEqual(started, ['j0', 'j1', 'j2']);
      assert.deepEqual(batches, [10]);
    });

    it('a job behind the head that may not start stops the run: what was admitted for it and after it goes back unsent', async () => {
      const { limiter, batches, settled } = batching();
      const { src, started } = batchSource(6, limiter, { mayStart: (job) => job.id !== 'j2' });
      await new DispatchLoop(src).pump();
      assert.deepEqual(started, ['j0', 'j1']);
      assert.deepEqual(settled, ['not_sent', 'not_sent', 'not_sent', 'not_sent'], 'j2 to j5');
      assert.deepEqual(batches, [6], 'the loop stopped');
    });

    it('admits one at a time when the source offers no prediction', async () => {
      const { limiter } = batching();
      let singles = 0;
      limiter.admit = () => {
        singles++;
        return Promise.resolve({ admitted: true, permit: {} as Permit });
      };
      const { src, started } = batchSource(5, limiter);
      delete src.upcoming;
      await new DispatchLoop(src).pump();
      assert.equal(started.length, 5);
      assert.equal(singles, 5);
    });
  });
});
