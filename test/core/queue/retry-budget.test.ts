import assert from 'node:assert/strict';
import { CAP, RetryBudget, SUCCESSES_PER_RETRY } from '../../../src/core/queue/retry-budget';
import { apiError, makeJob, setup } from './helpers';

/** Jobs `ok0`… that succeed, then the jobs given: enough answers to earn `tokens` quick retries. */
function earned(tokens: number): ReturnType<typeof makeJob>[] {
  return Array.from({ length: tokens * SUCCESSES_PER_RETRY }, (_, i) => makeJob(`ok${i}`));
}

describe('RetryBudget', () => {
  it('starts empty, earns a quick retry per ten answers, and holds at most CAP', () => {
    const b = new RetryBudget();
    assert.equal(b.available, false);
    for (let i = 0; i < 9; i++) b.earn();
    assert.equal(b.available, false);
    b.earn();
    assert.equal(b.available, true);
    b.spend();
    assert.equal(b.available, false);
    for (let i = 0; i < 1000; i++) b.earn();
    for (let i = 0; i < CAP; i++) b.spend();
    assert.equal(b.available, false);
  });
});

describe('QueueProcessor quick retries (retry budget)', () => {
  // Backoff base 1,000 ms, jitter 0.5: a full first backoff is 750 ms, a quick one 150 ms.
  it("after ten answers, a job's first 500 is retried after a fifth of the backoff, its second fault after the full one", async () => {
    const t = setup(100, (job, ctx) => (job.id === 'x' && ctx.attempt <= 2 ? apiError(500) : undefined));
    const delays: number[] = [];
    t.processor.on('retrying', (e) => delays.push(e.delayMs));
    t.processor.add([...earned(1), makeJob('x')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(delays, [150, 1500]);
    const x = t.calls.filter((c) => c.id === 'x').map((c) => c.at);
    // sent at 1,000 (after ten 100 ms answers), failed at 1,100, again at 1,250
    assert.deepEqual(x, [1000, 1250, 2850]);
  });

  it('a run that has had no answer yet backs off in full', async () => {
    const t = setup(100, (job, ctx) => (job.id === 'x' && ctx.attempt === 1 ? apiError(529) : undefined));
    const delays: number[] = [];
    t.processor.on('retrying', (e) => delays.push(e.delayMs));
    t.processor.add([makeJob('x'), ...earned(1)]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(delays, [750]);
  });

  it('when faults come thick the budget runs dry: one quick retry per ten answers', async () => {
    const failing = new Set(['x', 'y', 'z']);
    const t = setup(100, (job, ctx) => (failing.has(job.id) && ctx.attempt === 1 ? apiError(500) : undefined));
    const delays: number[] = [];
    t.processor.on('retrying', (e) => delays.push(e.delayMs));
    t.processor.add([...earned(1), makeJob('x'), makeJob('y'), makeJob('z')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    // x spends the one token earned; y and z follow with less than a token between them
    assert.deepEqual(delays, [150, 750, 750]);
  });

  it('a fault that says how long to wait (retry-after) is not retried quickly', async () => {
    const t = setup(100, (job, ctx) => (job.id === 'x' && ctx.attempt === 1 ? apiError(529, { 'retry-after': '2' }) : undefined));
    const delays: number[] = [];
    t.processor.on('retrying', (e) => delays.push(e.delayMs));
    t.processor.add([...earned(1), makeJob('x')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(delays, [750]);
  });
});
