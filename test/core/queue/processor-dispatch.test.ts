import assert from 'node:assert/strict';
import { sleep } from '../../../src/core/clock';
import { QueueProcessor } from '../../../src/core/queue/processor';
import { FakeClock } from '../../support/fake-clock';
import { FakeLimiter } from '../../support/fake-limiter';
import { fakeExecutor, makeJob, setup } from './helpers';

const SLOW = { requestsPerMinute: 60, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 };

describe('QueueProcessor dispatch', () => {
  it('dispatches by priority, then round-robin across batches', async () => {
    const t = setup(100);
    t.processor.pause();
    t.processor.add([
      makeJob('a1', { batchId: 'A' }),
      makeJob('a2', { batchId: 'A' }),
      makeJob('a3', { batchId: 'A' }),
      makeJob('l1', { priority: 'low' }),
      makeJob('b1', { batchId: 'B' }),
      makeJob('h1', { priority: 'high' }),
    ]);
    t.processor.resume();
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(
      t.calls.map((c) => c.id),
      ['h1', 'a1', 'b1', 'a2', 'a3', 'l1'],
    );
    assert.equal(t.processor.stats.succeeded, 6);
  });

  it('never runs more than maxConcurrency at once', async () => {
    const t = setup(500, undefined, { maxConcurrency: 3, initialConcurrency: 3 });
    t.processor.add(Array.from({ length: 20 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.flush();
    assert.equal(t.processor.stats.active, 3);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.equal(t.peak(), 3);
    assert.equal(t.processor.stats.succeeded, 20);
    // 20 jobs, 3 at a time, 500 ms each: 7 rounds.
    assert.equal(t.clock.now(), 3500);
  });

  it('ramps concurrency up from a modest start while the slots hold dispatch back, capped by the user maximum', async () => {
    // Was: grows only on completion, by a quarter per 2 s (with 2 s answers, nothing grew for 2 s).
    // Now: the limiter paces the rate, so slots may double every 250 ms while all are busy and work waits.
    const t = setup(2000, undefined, { maxConcurrency: 10, initialConcurrency: 2 });
    assert.equal(t.processor.stats.concurrency, 2);
    t.processor.add(Array.from({ length: 200 }, (_, i) => makeJob(`j${i}`)));
    const seen: number[] = [];
    t.processor.on('started', () => seen.push(t.processor.stats.concurrency));
    await t.clock.advance(0);
    assert.equal(t.processor.stats.active, 2);
    await t.clock.advance(250);
    assert.equal(t.processor.stats.active, 4);
    await t.clock.advance(500);
    // 2 -> 4 -> 8 -> 10 before the first answer is back: 1000 RPM x 2 s x headroom needs ~42; the user's 10 wins.
    assert.equal(t.processor.stats.concurrency, 10);
    assert.equal(t.processor.stats.active, 10);
    assert.equal(t.processor.stats.succeeded, 0);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.ok(t.peak() <= 10);
    // Never more than doubles at a time.
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! <= 2 * seen[i - 1]!, `${seen[i - 1]} -> ${seen[i]}`);
  });

  it('does not grow concurrency while the limiter, not the slots, holds dispatch back', async () => {
    const t = setup(2000, undefined, { maxConcurrency: 10, initialConcurrency: 2 });
    t.limiter.blockedUntil = 5000;
    t.processor.add(Array.from({ length: 20 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(4000);
    assert.equal(t.processor.stats.concurrency, 2);
    assert.equal(t.processor.stats.active, 0);
  });

  it('once a response begins, before any answer, runs one second of requests at the limits it knows, within the user maximum', async () => {
    // Doubling from 4 every 250 ms held the first second back: at 10,000 RPM it took 1.5 s to pass 167.
    const run = async (maxConcurrency: number, accept: boolean) => {
      const clock = new FakeClock(0);
      const limiter = new FakeLimiter(clock);
      const { executor } = fakeExecutor(clock, 20_000);
      const processor = new QueueProcessor<null>({
        clock,
        limiter,
        // Response headers 100 ms in (an accepted request), then the answer 20 s later.
        executor: async (job, ctx) => {
          await sleep(clock, 100);
          if (accept) ctx.onHeaders?.(new Headers());
          return executor(job, ctx);
        },
        maxConcurrency,
        initialConcurrency: 4,
        backoff: { baseMs: 1000, maxMs: 30_000, jitter: () => 0.5 },
      });
      await limiter.setLimits('haiku', { ...SLOW, requestsPerMinute: 10_000 });
      processor.add(Array.from({ length: 400 }, (_, i) => makeJob(`j${i}`)));
      await clock.advance(0);
      const before = processor.stats.active;
      await clock.advance(150);
      const after = processor.stats.active;
      processor.dispose();
      return { before, after, succeeded: processor.stats.succeeded };
    };
    assert.deepEqual(await run(500, true), { before: 4, after: 167, succeeded: 0 });
    assert.deepEqual(await run(50, true), { before: 4, after: 50, succeeded: 0 });
    // No response began (a bad key, a wrong model): the start stays at the initial four.
    assert.deepEqual(await run(500, false), { before: 4, after: 4, succeeded: 0 });
  });

  it('a key accepted before the run (the estimate counted tokens) starts it with one second of requests', async () => {
    const t = setup(20_000, undefined, { maxConcurrency: 500, initialConcurrency: 4 });
    await t.limiter.setLimits('haiku', { ...SLOW, requestsPerMinute: 10_000 });
    t.processor.keyAccepted();
    t.processor.add(Array.from({ length: 400 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(0);
    assert.equal(t.processor.stats.active, 167);
    t.processor.dispose();
  });

  it('waits on the limiter with one re-armed timer, not polling', async () => {
    const t = setup(100);
    t.limiter.blockedUntil = 5000;
    t.processor.add([makeJob('a'), makeJob('b')]);
    await t.clock.flush();
    assert.equal(t.clock.pendingTimers, 1);
    await t.clock.advance(4999);
    assert.equal(t.calls.length, 0);
    assert.equal(t.limiter.admits.length, 1);
    await t.clock.advance(1);
    assert.equal(t.calls.length, 1);
    assert.equal(t.calls[0]!.at, 5000);
  });

  it('reports waitedMs from enqueue to start and emits idle, resolving onIdle', async () => {
    const t = setup(1000);
    const waits: number[] = [];
    t.processor.on('started', (e) => waits.push(e.waitedMs));
    t.processor.add([makeJob('a'), makeJob('b')]);
    let idle = false;
    void t.processor.onIdle().then(() => (idle = true));
    await t.clock.advance(1500);
    assert.equal(idle, false);
    await t.clock.advance(500);
    assert.equal(idle, true);
    assert.deepEqual(waits, [0, 1000]);
    assert.equal(t.events.filter((e) => e === 'idle').length, 1);
    await t.processor.onIdle();
  });

  it('validates options with uniform messages', () => {
    const base = setup(1);
    const make = (extra: object) =>
      new QueueProcessor({
        clock: base.clock,
        limiter: base.limiter,
        executor: base.executor,
        backoff: { baseMs: 1, maxMs: 2, jitter: () => 0 },
        ...extra,
      });
    assert.throws(() => make({ maxConcurrency: 0 }), /Expected `maxConcurrency` to be an integer from 1 and up, got `0` \(number\)/);
    assert.throws(() => make({ maxAttempts: 1.5 }), /Expected `maxAttempts` to be an integer from 1 and up, got `1.5` \(number\)/);
    assert.throws(
      () => make({ backoff: { baseMs: 10, maxMs: 5, jitter: () => 0 } }),
      /Expected `backoff.maxMs` to be an integer from 10 and up, got `5` \(number\)/,
    );
  });
});
