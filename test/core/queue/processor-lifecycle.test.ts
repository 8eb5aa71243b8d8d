import assert from 'node:assert/strict';
import { apiError, makeJob, setup } from './helpers';

/** Deterministic RNG (mulberry32) so the property test is reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('QueueProcessor lifecycle', () => {
  it('cancel aborts in-flight signals; those jobs become cancelled, queued ones stay for a re-run', async () => {
    const t = setup(1000, undefined, { maxConcurrency: 2, initialConcurrency: 2 });
    const jobs = ['a', 'b', 'c', 'd'].map((id) => makeJob(id));
    t.processor.add(jobs);
    await t.clock.advance(10);
    t.processor.cancel();
    assert.equal(t.processor.state, 'stopping');
    assert.ok(t.signals.every((s) => s.aborted));
    await t.clock.flush();
    assert.equal(t.processor.state, 'stopped');
    assert.deepEqual(
      jobs.map((j) => j.state),
      ['cancelled', 'cancelled', 'queued', 'queued'],
    );
    assert.equal(t.processor.stats.queuedTotal, 2);
    t.processor.resume();
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      jobs.map((j) => j.state),
      ['cancelled', 'cancelled', 'succeeded', 'succeeded'],
    );
  });

  it('pause holds dispatch (in-flight finish) until resume', async () => {
    const t = setup(100);
    t.processor.add(['a', 'b', 'c'].map((id) => makeJob(id)));
    await t.clock.advance(50);
    t.processor.pause();
    await t.clock.advance(10_000);
    assert.equal(t.processor.state, 'paused');
    assert.equal(t.calls.length, 1);
    assert.equal(t.processor.stats.succeeded, 1);
    t.processor.resume();
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.stats.succeeded, 3);
    assert.deepEqual(
      t.events.filter((e) => e === 'paused' || e === 'resumed'),
      ['paused', 'resumed'],
    );
  });

  it('the budget guard stops dispatch before the job that would exceed it', async () => {
    let spent = 0;
    const t = setup(10, undefined, { budget: { wouldExceed: () => spent + 1 > 2 } });
    t.processor.on('succeeded', () => spent++);
    let kind: string | undefined;
    t.processor.on('stopped', (e) => (kind = e.error.kind));
    t.processor.add(['a', 'b', 'c', 'd'].map((id) => makeJob(id)));
    await t.clock.runUntil(() => t.processor.state === 'stopped');
    assert.equal(kind, 'budget');
    assert.deepEqual(
      t.calls.map((c) => c.id),
      ['a', 'b'],
    );
    assert.equal(t.processor.stats.queuedTotal, 2);
  });

  it('dispose aborts work, removes listeners and refuses new jobs', async () => {
    const t = setup(1000);
    t.processor.add(makeJob('a'));
    await t.clock.advance(1);
    t.processor.dispose();
    assert.ok(t.signals[0]!.aborted);
    assert.throws(() => t.processor.add(makeJob('b')), /disposed/);
  });

  it('loses and duplicates no job across 1,000 jobs with random faults (seeded)', async () => {
    const random = rng(42);
    const faults = [
      () => apiError(429, { 'retry-after': '2' }),
      () => apiError(529),
      () => apiError(500),
      () => apiError(400),
      () => Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
    ];
    const t = setup(
      50,
      () => {
        const r = random();
        return r < 0.15 ? faults[Math.floor(random() * faults.length)]!() : undefined;
      },
      { maxConcurrency: 16, initialConcurrency: 8, backoff: { baseMs: 100, maxMs: 5000, jitter: random } },
    );
    const jobs = Array.from({ length: 1000 }, (_, i) =>
      makeJob(`j${i}`, { batchId: `b${i % 7}`, priority: (['high', 'normal', 'low'] as const)[i % 3] }),
    );
    const terminal = new Map<string, number>();
    const bump = (id: string) => terminal.set(id, (terminal.get(id) ?? 0) + 1);
    t.processor.on('succeeded', (e) => bump(e.job.id));
    t.processor.on('failed', (e) => bump(e.job.id));
    t.processor.add(jobs);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.state, 'idle');
    assert.equal(terminal.size, 1000);
    assert.ok([...terminal.values()].every((n) => n === 1));
    assert.ok(jobs.every((j) => j.state === 'succeeded' || j.state === 'failed'));
    const s = t.processor.stats;
    assert.equal(s.succeeded + s.failed, 1000);
    assert.ok(s.rateLimited > 0 && s.retries > 0 && s.failed > 0);
    assert.ok(t.peak() <= 16);
    // Every permit was settled exactly once.
    assert.equal(t.limiter.settlements.length, t.calls.length);
  });
});
