import assert from 'node:assert/strict';
import type { Health } from '../../../src/core/limiter/types';
import { apiError, makeJob, setup } from './helpers';

describe('QueueProcessor health events', () => {
  it('are sent only on change: healthy -> approaching -> throttled during a 429 pause -> healthy', async () => {
    const t = setup(100, (job, ctx) =>
      job.id === 'c' && ctx.attempt === 1 && t.calls.length === 3 ? apiError(429, { 'retry-after': '5' }) : undefined,
    );
    const seen: { health: Health; pausedUntil?: number }[] = [];
    t.processor.on('health', (e) =>
      seen.push({ health: e.snapshot.health, ...(e.snapshot.pausedUntil !== undefined ? { pausedUntil: e.snapshot.pausedUntil } : {}) }),
    );

    // a completes while utilization is low: still healthy, nothing sent.
    t.processor.add([makeJob('a'), makeJob('b'), makeJob('c'), makeJob('d'), makeJob('e')]);
    await t.clock.advance(100);
    assert.equal(seen.length, 0);

    // b completes at 75 %: approaching, once.
    t.limiter.utilization = 0.75;
    await t.clock.advance(100);
    assert.deepEqual(
      seen.map((s) => s.health),
      ['approaching'],
    );

    // c meets a 429: throttled while the pause holds, with its end.
    await t.clock.advance(100);
    assert.equal(t.processor.state, 'paused');
    assert.deepEqual(
      seen.map((s) => s.health),
      ['approaching', 'throttled'],
    );
    assert.equal(seen[1]!.pausedUntil, 300 + 5000);

    // The pause ends with utilization back down: healthy, once, and no repeat as jobs complete.
    t.limiter.utilization = 0.1;
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      seen.map((s) => s.health),
      ['approaching', 'throttled', 'healthy'],
    );
    assert.equal(t.processor.stats.succeeded, 5);
    assert.equal(t.processor.stats.health, 'healthy');
  });
});
