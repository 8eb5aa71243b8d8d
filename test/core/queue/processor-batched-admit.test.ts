import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import type { RateLimiter } from '../../../src/core/limiter/types';
import { FakeClock } from '../../support/fake-clock';
import { AsyncStore } from '../limiter/async-store';
import { limits, makeLimiter } from '../limiter/helpers';
import { makeJob, setup } from './helpers';

/**
 * A processor on a real limiter over a shared-like store (AsyncStore): 150 jobs wait while it is
 * paused, then it resumes with 64 free slots. `strip` takes admitMany away (one admit per update).
 */
async function resumeWithFreeSlots(strip: boolean) {
  const clock = new FakeClock(0);
  const store = new AsyncStore(new MemoryStore(clock));
  const real = makeLimiter(limits(60_000), { clock, store }).limiter;
  const limiter: RateLimiter = strip ? { ...real, admitMany: undefined } : real;
  const t = setup(200, undefined, { clock, limiter, maxConcurrency: 64, initialConcurrency: 64 });
  t.processor.pause();
  t.processor.add(Array.from({ length: 150 }, (_, i) => makeJob(`j${i}`)));
  const before = store.updates;
  t.processor.resume();
  await t.clock.advance(0);
  const firstPass = { active: t.processor.stats.active, updates: store.updates - before };
  await t.clock.runUntil(() => t.processor.state === 'idle');
  return { t, firstPass };
}

describe('QueueProcessor on a shared store: batched admits', () => {
  it('fills 64 free slots with one store update per 16 launches; every job goes once, in queue order', async () => {
    const batched = await resumeWithFreeSlots(false);
    const single = await resumeWithFreeSlots(true);
    assert.deepEqual(batched.firstPass, { active: 64, updates: 4 });
    assert.equal(single.firstPass.active, 64);
    assert.ok(single.firstPass.updates >= 64, `one update per admit without batching: ${single.firstPass.updates}`);
    for (const { t } of [batched, single]) {
      assert.equal(t.processor.stats.succeeded, 150);
      assert.deepEqual(
        t.calls.map((c) => c.id),
        Array.from({ length: 150 }, (_, i) => `j${i}`),
      );
    }
  });
});
