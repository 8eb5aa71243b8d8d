import assert from 'node:assert/strict';
import { apiError, makeJob, setup } from './helpers';

const refused = () =>
  Object.assign(new Error('Connection error.'), {
    name: 'APIConnectionError',
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

describe('QueueProcessor outages: the endpoint in trouble is paused for, not charged to the jobs', () => {
  it('a storm after the endpoint was reached pauses all dispatch, probes with growing waits, resumes by itself; no job charged', async () => {
    let down = false;
    const t = setup(100, () => (down ? refused() : undefined), { maxConcurrency: 4, maxAttempts: 2 });
    const paused: { reason: string; since?: number; until?: number }[] = [];
    t.processor.on('paused', (e) =>
      paused.push({
        reason: e.reason,
        ...(e.since !== undefined ? { since: e.since } : {}),
        ...(e.until !== undefined ? { until: e.until } : {}),
      }),
    );
    const resumed: string[] = [];
    t.processor.on('resumed', (e) => resumed.push(e.reason));
    const jobs = Array.from({ length: 40 }, (_, i) => makeJob(`j${i}`));
    t.processor.add(jobs);
    await t.clock.advance(350);
    const before = t.processor.stats.succeeded;
    assert.ok(before > 0, 'some answers before the outage');
    down = true;
    await t.clock.advance(400);
    assert.equal(paused[0]?.reason, 'outage');
    assert.equal(t.processor.stats.pauseReason, 'outage');
    assert.equal(t.processor.stats.failed, 0, 'maxAttempts 2, yet nothing failed');
    const callsAtOutage = t.calls.length;
    // 20 s of outage: probes at ~1, 2, 4, 8 s intervals, one at a time.
    await t.clock.advance(20_000);
    const probes = t.calls.length - callsAtOutage;
    assert.ok(probes >= 3 && probes <= 6, `${probes} probes in 20 s`);
    assert.ok(paused.length >= 3, 'each failed probe announces the next');
    assert.equal(t.processor.stats.outageSince, paused[0]!.since);
    down = false;
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(resumed, ['outage']);
    assert.equal(t.processor.stats.succeeded, 40);
    assert.equal(t.processor.stats.failed, 0);
    assert.ok(
      jobs.every((j) => j.attempts === 0),
      'attempts spent on the outage were given back',
    );
  });

  it('an endpoint unreachable from the start stops the run within a few requests, nothing marked failed', async () => {
    const t = setup(10, () => refused(), { maxConcurrency: 4 });
    let stopped: string | undefined;
    t.processor.on('stopped', (e) => (stopped = e.error.message));
    const jobs = Array.from({ length: 10 }, (_, i) => makeJob(`j${i}`));
    t.processor.add(jobs);
    await t.clock.runUntil(() => t.processor.state === 'stopped');
    assert.ok(t.clock.now() < 5_000, `stopped after ${t.clock.now()} ms`);
    assert.match(stopped ?? '', /^cannot reach the API \(network error/);
    assert.equal(t.processor.stats.failed, 0);
    assert.ok(t.calls.length <= 6, `${t.calls.length} requests sent`);
    assert.ok(
      jobs.every((j) => j.state === 'queued'),
      'every job kept for a re-run',
    );
  });

  it('past its patience an outage stops the run, jobs kept; a 5xx storm counts like refused connections', async () => {
    let down = false;
    const t = setup(50, () => (down ? apiError(503) : undefined), { maxConcurrency: 3, outage: { patienceMs: 60_000 } });
    let stopped: string | undefined;
    t.processor.on('stopped', (e) => (stopped = e.error.message));
    t.processor.add(Array.from({ length: 30 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(120);
    down = true;
    await t.clock.runUntil(() => t.processor.state === 'stopped');
    assert.ok(t.clock.now() >= 60_000 && t.clock.now() < 120_000, `gave up at ${t.clock.now()} ms`);
    assert.match(stopped ?? '', /^cannot reach the API since .*; gave up after 1 min \(server error/);
    assert.equal(t.processor.stats.failed, 0);
  });

  it('one job failing again and again is its own failure, not an outage', async () => {
    const t = setup(10, (job) => (job.id === 'bad' ? apiError(500) : undefined), { maxConcurrency: 1, maxAttempts: 3 });
    const reasons: string[] = [];
    t.processor.on('paused', (e) => reasons.push(e.reason));
    t.processor.add([makeJob('bad')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.processor.stats.failed, 1);
    assert.deepEqual(reasons, []);
  });
});
