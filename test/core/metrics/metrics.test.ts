import assert from 'node:assert/strict';
import { createMetrics } from '../../../src/core/metrics/metrics';
import { apiError, makeJob, setup, USAGE } from '../queue/helpers';

const costOf = () => 0.01;

describe('metrics', () => {
  it('counts totals, tokens, cost, wait and processing times and throughput, and carries the run ETA', async () => {
    const t = setup(1000, (job) => (job.id === 'x' ? apiError(400) : undefined));
    // The ETA is the run's (run-progress.ts); metrics carry what it says, and nothing when it has nothing.
    let eta: number | undefined = 2_000;
    const metrics = createMetrics({ clock: t.clock, processor: t.processor, costOf, eta: () => eta });
    t.processor.add(['a', 'b', 'c', 'x', 'd', 'e'].map((id) => makeJob(id)));
    await t.clock.advance(4000);
    const s = metrics.snapshot();
    assert.equal(s.totals.queued, 6);
    assert.equal(s.totals.started, 5);
    assert.equal(s.totals.succeeded, 3);
    assert.equal(s.totals.failed, 1);
    assert.equal(s.successRate, 0.75);
    assert.deepEqual(s.waitMs, { count: 5, mean: 2000, p50: 2000, p95: 4000 });
    assert.equal(s.processingMs.mean, 1000);
    // 4 done since work began 4 s ago: 60 a minute, and 2 left take 2 s.
    assert.equal(s.throughputPerMinute, 60);
    assert.equal(s.tokens.input, 3 * USAGE.inputTokens);
    assert.equal(s.costUsd, 0.03);
    assert.equal(s.remaining, 2);
    assert.equal(s.etaMs, 2_000);
    assert.equal(s.log[0]!.type, 'failed');
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(s)));
    // Throughput is a trailing minute: it drains once work stops.
    await t.clock.runUntil(() => t.processor.state === 'idle');
    await t.clock.advance(61_000);
    eta = undefined;
    const later = metrics.snapshot();
    assert.equal(later.throughputPerMinute, 0);
    assert.equal(later.etaMs, undefined);
    assert.equal(later.health.message, 'queue is idle');
    metrics.reset();
    assert.equal(metrics.snapshot().totals.succeeded, 0);
    assert.equal(metrics.snapshot().log.length, 0);
    metrics.dispose();
  });

  it('tells a 429 pause with its countdown, and a stop with its reason', async () => {
    const t = setup(100, (job, _c, call) =>
      call === 1 ? apiError(429, { 'retry-after': '12' }) : job.id === 'c' ? apiError(429, {}, 'enforced_spend_limit_reached') : undefined,
    );
    const metrics = createMetrics({ clock: t.clock, processor: t.processor, costOf });
    t.processor.add(['a', 'b', 'c', 'd'].map((id) => makeJob(id)));
    await t.clock.advance(100);
    assert.deepEqual(metrics.snapshot().health, { status: 'paused', message: 'paused by a 429 for 12 s' });
    await t.clock.advance(2000);
    assert.equal(metrics.snapshot().health.message, 'paused by a 429 for 10 s');
    assert.equal(metrics.snapshot().totals.rateLimited, 1);
    await t.clock.runUntil(() => t.processor.state === 'stopped');
    assert.deepEqual(metrics.snapshot().health, { status: 'stopped', message: 'stopped: monthly spend cap reached' });
  });

  it('reports a backing-up queue with its size and ETA, and normal processing otherwise', async () => {
    const t = setup(6000);
    // 10 done a minute: the queue's size at that pace.
    const metrics = createMetrics({
      clock: t.clock,
      processor: t.processor,
      costOf,
      eta: () => (t.processor.stats.queuedTotal + t.processor.stats.active) * 6_000,
    });
    t.processor.add(Array.from({ length: 50 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(6000);
    assert.equal(metrics.snapshot().health.message, 'queue is processing normally');
    await t.clock.advance(54_000);
    // 10 done in the last minute, 40 left (incl. one in flight): ~4 min; mean wait above 30 s.
    assert.deepEqual(metrics.snapshot().health, { status: 'warning', message: 'queue is backing up: 40 waiting, ~4 min' });
  });

  it('keeps only the last 100 log entries, newest first', async () => {
    const t = setup(1);
    const metrics = createMetrics({ clock: t.clock, processor: t.processor, costOf });
    for (let i = 0; i < 150; i++) t.processor.add(makeJob(`j${i}`));
    const log = metrics.snapshot().log;
    assert.equal(log.length, 100);
    assert.equal(log[0]!.type, 'queued');
    assert.throws(
      () => createMetrics({ clock: t.clock, processor: t.processor, costOf, window: 0 }),
      /Expected `window` to be an integer from 1 and up, got `0` \(number\)/,
    );
  });
});

describe('metrics throughput over a young run', () => {
  it('reads the real rate before a whole minute has passed', async () => {
    // One job a second for 30 s: the trailing minute holds 30, but the rate is 60 a minute.
    const t = setup(1000);
    const metrics = createMetrics({ clock: t.clock, processor: t.processor, costOf });
    for (let i = 0; i < 30; i++) {
      t.processor.add(makeJob(`j${i}`));
      await t.clock.advance(1000);
    }
    const rate = metrics.snapshot().throughputPerMinute;
    assert.ok(rate >= 55 && rate <= 62, `rate ${rate}`);
    metrics.dispose();
  });
});
