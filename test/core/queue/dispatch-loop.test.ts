import assert from 'node:assert/strict';
import { DispatchLoop, LAUNCHES_PER_TURN, type DispatchSource } from '../../../src/core/queue/dispatch-loop';
import type { Permit, RateLimiter } from '../../../src/core/limiter/types';
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
});
