import assert from 'node:assert/strict';
import type { Demand } from '../../../src/core/limiter/types';
import type { Priority } from '../../../src/core/queue/types';
import type { FakeLimiter } from '../../support/fake-limiter';
import { makeJob, setup } from './helpers';

/** Refuses demands of `modelClass` until `until` (clock time); everything else is left to the fake's default. */
function blockClass(limiter: FakeLimiter, now: () => number, blocks: Record<string, number>): void {
  limiter.decide = (demand: Demand) => {
    const until = blocks[demand.modelClass];
    return until !== undefined && now() < until ? { admitted: false, waitMs: until - now(), blockedBy: 'requests' } : undefined;
  };
}

const job = (id: string, modelClass: string, priority: Priority = 'normal') => makeJob(id, { modelClass, priority, batchId: modelClass });

describe('QueueProcessor across model classes', () => {
  it('a class at its limit does not hold up another: sonnet jobs dispatch at once while haiku waits', async () => {
    const t = setup(100, undefined, { maxConcurrency: 4, initialConcurrency: 4 });
    blockClass(t.limiter, () => t.clock.now(), { haiku: 5000 });
    t.processor.add([job('h1', 'haiku'), job('h2', 'haiku'), job('s1', 'sonnet'), job('s2', 'sonnet'), job('s3', 'sonnet')]);
    await t.clock.flush();
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['s1@0', 's2@0', 's3@0'],
    );
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['s1@0', 's2@0', 's3@0', 'h1@5000', 'h2@5000'],
    );
    // Haiku was asked once before its wait ran out, not once per sonnet completion.
    assert.equal(t.limiter.admits.filter((d) => d.modelClass === 'haiku').length, 1 + 2);
  });

  it('a blocked high-priority job of one class does not stop normal and low work of another', async () => {
    const t = setup(100);
    blockClass(t.limiter, () => t.clock.now(), { haiku: 1000 });
    t.processor.add([job('hH', 'haiku', 'high'), job('sN', 'sonnet'), job('sL', 'sonnet', 'low')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['sN@0', 'sL@100', 'hH@1000'],
    );
  });

  it('keeps priority and batch order within each class, and alternates classes when both are free', async () => {
    const t = setup(100);
    t.processor.pause();
    t.processor.add([
      job('hL', 'haiku', 'low'),
      makeJob('hA1', { modelClass: 'haiku', batchId: 'A' }),
      makeJob('hA2', { modelClass: 'haiku', batchId: 'A' }),
      makeJob('hB1', { modelClass: 'haiku', batchId: 'B' }),
      job('hH', 'haiku', 'high'),
      job('s1', 'sonnet'),
      job('s2', 'sonnet'),
      job('sH', 'sonnet', 'high'),
    ]);
    t.processor.resume();
    await t.clock.runUntil(() => t.processor.state === 'idle');
    const ids = t.calls.map((c) => c.id);
    assert.deepEqual(ids, ['hH', 'sH', 'hA1', 's1', 'hB1', 's2', 'hA2', 'hL']);
    assert.deepEqual(
      ids.filter((id) => id.startsWith('h')),
      ['hH', 'hA1', 'hB1', 'hA2', 'hL'],
    );
    assert.deepEqual(
      ids.filter((id) => id.startsWith('s')),
      ['sH', 's1', 's2'],
    );
  });

  it('sleeps on one timer for the earliest wait across classes, re-armed for the next, never stacked', async () => {
    const t = setup(100, undefined, { maxConcurrency: 4, initialConcurrency: 4 });
    blockClass(t.limiter, () => t.clock.now(), { haiku: 5000, sonnet: 3000 });
    t.processor.add([job('h1', 'haiku'), job('s1', 'sonnet'), job('h2', 'haiku')]);
    await t.clock.flush();
    assert.equal(t.clock.pendingTimers, 1);
    assert.equal(t.clock.nextTimerAt(), 3000);
    // More work for a refused class neither asks its limiter again nor adds a timer.
    t.processor.add(job('s2', 'sonnet'));
    await t.clock.flush();
    assert.equal(t.clock.pendingTimers, 1);
    assert.equal(t.limiter.admits.length, 2);
    await t.clock.advance(3000);
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['s1@3000', 's2@3000'],
    );
    // The two requests in flight plus the one wake timer, now for haiku.
    assert.equal(t.clock.pendingTimers, 3);
    // The requests end; the health refresh after the second is deferred (at most one per 100 ms), then runs.
    await t.clock.advance(200);
    assert.equal(t.clock.pendingTimers, 1);
    assert.equal(t.clock.nextTimerAt(), 5000);
    assert.equal(t.limiter.admits.filter((d) => d.modelClass === 'haiku').length, 1);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['s1@3000', 's2@3000', 'h1@5000', 'h2@5000'],
    );
    // Only the deferred health refresh after the last request may still be due; then nothing is left.
    await t.clock.advance(100);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('a settled request of a refused class has its limiter asked again before the wait ends', async () => {
    const t = setup(100, undefined, { maxConcurrency: 2, initialConcurrency: 2 });
    // The limiter's wait is a conservative 10 s; a settlement frees the one slot it has.
    t.limiter.decide = (demand) =>
      t.active() >= 1 && demand.modelClass === 'haiku' ? { admitted: false, waitMs: 10_000, blockedBy: 'outputTokens' } : undefined;
    t.processor.add([job('h1', 'haiku'), job('h2', 'haiku')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => `${c.id}@${c.at}`),
      ['h1@0', 'h2@100'],
    );
  });

  it('remove and changePriority reach jobs of every class; listQueued interleaves classes', () => {
    const t = setup(100);
    t.processor.pause();
    t.processor.add([job('h1', 'haiku'), job('h2', 'haiku'), job('s1', 'sonnet'), job('s2', 'sonnet'), job('s3', 'sonnet')]);
    assert.deepEqual(
      t.processor.listQueued('normal').map((j) => j.id),
      ['h1', 's1', 'h2', 's2', 's3'],
    );
    assert.deepEqual(
      t.processor.listQueued('normal', { offset: 2, limit: 2 }).map((j) => j.id),
      ['h2', 's2'],
    );
    assert.equal(t.processor.changePriority({ batchId: 'sonnet' }, 'high'), 3);
    assert.equal(t.processor.changePriority({ id: 'h2' }, 'low'), 1);
    assert.equal(t.processor.remove('s2'), true);
    assert.deepEqual(t.processor.stats.queued, { high: 2, normal: 1, low: 1 });
    assert.deepEqual(
      t.processor.listQueued('high').map((j) => j.id),
      ['s1', 's3'],
    );
    assert.equal(t.processor.stats.queuedTotal, 4);
  });
});
