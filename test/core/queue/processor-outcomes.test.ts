import assert from 'node:assert/strict';
import { ForgeError } from '../../../src/core/errors';
import { apiError, makeJob, setup, USAGE } from './helpers';

describe('QueueProcessor outcomes', () => {
  it('a 429 with retry-after 10 s pauses all dispatch exactly 10 s, then resumes by itself losing nothing', async () => {
    const t = setup(100, (job, ctx) =>
      job.id === 'a' && ctx.attempt === 1 && t.calls.length === 1 ? apiError(429, { 'retry-after': '10' }) : undefined,
    );
    const paused: (number | undefined)[] = [];
    t.processor.on('paused', (e) => paused.push(e.until));
    t.processor.add([makeJob('a'), makeJob('b'), makeJob('c')]);
    await t.clock.advance(100);
    assert.equal(t.processor.state, 'paused');
    assert.deepEqual(paused, [10_100]);
    await t.clock.advance(9_999);
    assert.equal(t.calls.length, 1);
    await t.clock.advance(1);
    assert.equal(t.processor.state, 'running');
    assert.equal(t.calls[1]!.at, 10_100);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    // The 429'd job goes first again, and its attempt was not used up.
    assert.deepEqual(
      t.calls.map((c) => `${c.id}${c.attempt}`),
      ['a1', 'a1', 'b1', 'c1'],
    );
    assert.equal(t.processor.stats.succeeded, 3);
    assert.equal(t.processor.stats.rateLimited, 1);
    assert.ok(t.events.includes('resumed'));
    assert.ok(t.limiter.outcomes().includes('rate_limited'));
  });

  it('without retry-after, repeated 429s pause for growing periods', async () => {
    const t = setup(0, (_job, _ctx, call) => (call <= 3 ? apiError(429) : undefined), { rateLimitPauseMs: 1000 });
    const lengths: number[] = [];
    t.processor.on('paused', (e) => lengths.push(e.until! - t.clock.now()));
    t.processor.add(makeJob('a'));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(lengths, [1000, 2000, 4000]);
    assert.equal(t.calls.at(-1)!.attempt, 1);
  });

  it('an acceleration-limit 429 halves concurrency', async () => {
    // Long latency so Little's law alone would want more than 8 slots: only the 429 lowers it.
    const t = setup(10_000, (_j, _c, call) => (call === 5 ? apiError(429, { 'retry-after': '1' }, 'ramp_limit_exceeded') : undefined), {
      maxConcurrency: 8,
      initialConcurrency: 8,
    });
    t.processor.add(Array.from({ length: 8 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(10_000);
    assert.equal(t.processor.stats.concurrency, 4);
  });

  it('backs off with growing, jittered delays, then fails with the last error after maxAttempts', async () => {
    const jitters = [0, 1, 0.5, 0];
    const t = setup(0, () => apiError(529), {
      maxAttempts: 4,
      backoff: { baseMs: 1000, maxMs: 60_000, jitter: () => jitters.shift() ?? 0 },
    });
    const delays: number[] = [];
    t.processor.on('retrying', (e) => delays.push(e.delayMs));
    let failure: string | undefined;
    t.processor.on('failed', (e) => (failure = e.error.kind));
    const job = makeJob('a');
    t.processor.add(job);
    await t.clock.advance(0);
    assert.equal(job.state, 'retry_wait');
    await t.clock.runUntil(() => t.processor.state === 'idle');
    // base·2^(n-1), half fixed, half jittered: 500+0, 1000+1000, 2000+1000.
    assert.deepEqual(delays, [500, 2000, 3000]);
    assert.equal(failure, 'overloaded');
    assert.equal(job.state, 'failed');
    assert.equal(job.attempts, 4);
    assert.equal(job.lastError?.kind, 'overloaded');
    assert.deepEqual(
      t.calls.map((c) => c.attempt),
      [1, 2, 3, 4],
    );
  });

  it('retried jobs go ahead of fresh work', async () => {
    const t = setup(10, (job, ctx) => (job.id === 'a' && ctx.attempt === 1 ? apiError(500) : undefined));
    t.processor.add(['a', 'b', 'c', 'd'].map((id) => makeJob(id)));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    // a fails at 10 and waits 750 ms; it then runs before the fresh jobs still queued.
    assert.deepEqual(
      t.calls.map((c) => c.id),
      ['a', 'b', 'c', 'd', 'a'],
    );
  });

  it('a retried job jumps ahead of fresh work still queued when its delay ends', async () => {
    const t = setup(500, (job, ctx) => (job.id === 'a' && ctx.attempt === 1 ? apiError(500) : undefined));
    t.processor.add(['a', 'b', 'c', 'd', 'e'].map((id) => makeJob(id)));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    // a fails at 500 and is back in the queue at 1250 while c runs; it goes before d and e.
    assert.deepEqual(
      t.calls.map((c) => c.id),
      ['a', 'b', 'c', 'a', 'd', 'e'],
    );
  });

  it('regenerates invalid output at once, settling its usage, and fails after maxAttempts', async () => {
    const t = setup(10, () => new ForgeError('invalid_output', 'not JSON', { usage: USAGE }), { maxAttempts: 2 });
    const retryDelays: number[] = [];
    t.processor.on('retrying', (e) => retryDelays.push(e.delayMs));
    t.processor.add(makeJob('a'));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(retryDelays, [0]);
    assert.equal(t.processor.stats.failed, 1);
    const failed = t.limiter.settlements.filter((s) => s.settlement.outcome === 'failed');
    assert.equal(failed.length, 2);
    assert.deepEqual((failed[0]!.settlement as { usage?: unknown }).usage, USAGE);
  });

  it('settles a 529 or 500 status as rejected (input refunded), a mid-stream overload or a reset as plain failed', async () => {
    const errors = [
      apiError(529),
      apiError(500),
      Object.assign(new Error('Overloaded'), { error: { type: 'error', error: { type: 'overloaded_error' } } }),
      Object.assign(new Error('Connection error.'), { name: 'APIConnectionError' }),
    ];
    const t = setup(10, (_job, _ctx, call) => errors[call - 1], { maxAttempts: 5 });
    t.processor.add(makeJob('a'));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.stats.succeeded, 1);
    const failed = t.limiter.settlements
      .filter((s) => s.settlement.outcome === 'failed')
      .map((s) => (s.settlement as { rejected?: boolean }).rejected ?? false);
    assert.deepEqual(failed, [true, true, false, false]);
  });

  it('invalid_request fails only that job', async () => {
    const t = setup(10, (job) => (job.id === 'b' ? apiError(400) : undefined));
    t.processor.add(['a', 'b', 'c'].map((id) => makeJob(id)));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.stats.succeeded, 2);
    assert.equal(t.processor.stats.failed, 1);
    assert.equal(t.calls.length, 3);
  });

  for (const [name, err, kind] of [
    ['spend cap', apiError(429, {}, 'enforced_spend_limit_reached'), 'spend_cap'],
    ['auth', apiError(401), 'auth'],
  ] as const) {
    it(`${name} stops the run with a clear reason, no retries, the rest left queued`, async () => {
      const t = setup(10, (job) => (job.id === 'b' ? err : undefined));
      let stopped: { kind: string; message: string } | undefined;
      t.processor.on('stopped', (e) => (stopped = e.error));
      t.processor.add(['a', 'b', 'c', 'd'].map((id) => makeJob(id)));
      await t.clock.runUntil(() => t.processor.state === 'stopped');
      await t.clock.advance(60_000);
      assert.equal(t.processor.state, 'stopped');
      assert.equal(stopped?.kind, kind);
      assert.ok(stopped!.message.length > 0);
      assert.deepEqual(
        t.calls.map((c) => c.id),
        ['a', 'b'],
      );
      assert.equal(t.processor.stats.queuedTotal, 3);
      assert.equal(t.processor.stats.failed, 0);
      await t.processor.onIdle();
    });
  }

  it('a multi-step job continues at the head of its priority until done, without using attempts', async () => {
    const t = setup(10, (job) =>
      job.id === 'conv' && job.steps < 2
        ? { type: 'continue', usage: USAGE, next: { inputTokens: 500 * (job.steps + 1), maxTokens: 1000 } }
        : undefined,
    );
    t.processor.add([makeJob('conv'), makeJob('other')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => c.id),
      ['conv', 'conv', 'conv', 'other'],
    );
    assert.deepEqual(
      t.limiter.admits.map((d) => d.inputTokens),
      [100, 500, 1000, 100],
    );
    assert.equal(t.events.filter((e) => e === 'step').length, 2);
    assert.equal(t.calls[2]!.attempt, 1);
  });

  it('attempts are per step: each turn of a multi-step job gets its own retries', async () => {
    const t = setup(
      10,
      (job, ctx) => {
        if (ctx.attempt === 1) return apiError(500);
        return job.steps < 2 ? { type: 'continue', usage: USAGE, next: { inputTokens: 100, maxTokens: 1000 } } : undefined;
      },
      { maxAttempts: 2 },
    );
    t.processor.add(makeJob('conv'));
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.stats.failed, 0);
    assert.equal(t.processor.stats.succeeded, 1);
    assert.deepEqual(
      t.calls.map((c) => c.attempt),
      [1, 2, 1, 2, 1, 2],
    );
  });
});
