import assert from 'node:assert/strict';
import { createRateLimiter } from '../../../src/core/limiter/rate-limiter';
import { FakeClock } from '../../support/fake-clock';
import { BIG, demand, dispatchUntil, limits, makeLimiter, permitOf, waitOf } from './helpers';

describe('limiter pacing', () => {
  it('admits at exactly the refill instant and not a millisecond before', async () => {
    const { clock, limiter } = makeLimiter(limits(60));
    permitOf(await limiter.admit(demand()));
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 1000, blockedBy: 'requests' });
    await clock.advance(999);
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 1, blockedBy: 'requests' });
    await clock.advance(1);
    permitOf(await limiter.admit(demand()));
  });

  it('spreads requests evenly at the rate after at most one bucket of burst', async () => {
    const { clock, limiter } = makeLimiter(limits(600));
    const times = await dispatchUntil(clock, limiter, 10_000);
    const burst = times.filter((t) => t === 0).length;
    assert.equal(burst, 10, 'capacity is one second of refill: 10 requests');
    const gaps = times.slice(burst).map((t, i) => t - (times[burst + i - 1] ?? 0));
    assert.ok(
      gaps.every((g) => g === 100),
      `gaps: ${[...new Set(gaps)].join(',')}`,
    );
    assert.equal(times.length, 10 + 99);
  });

  it('keeps the long-run rate exact when the interval is not a whole millisecond', async () => {
    const { clock, limiter } = makeLimiter(limits(600), { safetyMargin: 0.98 });
    const times = await dispatchUntil(clock, limiter, 60_000);
    // 9.8 to start with, then 9.8 per second: rounding waits up must not leak throughput.
    assert.ok(times.length >= 9 + 588 - 1 && times.length <= 10 + 588, `got ${times.length}`);
  });

  it('a smaller paceSeconds means a smaller burst', async () => {
    const { clock, limiter } = makeLimiter(limits(600), { paceSeconds: 0.2 });
    const times = await dispatchUntil(clock, limiter, 1);
    assert.equal(times.length, 2);
  });

  it('reports the binding dimension and waits for the slowest bucket', async () => {
    const { limiter } = makeLimiter(limits(600, 60_000));
    permitOf(await limiter.admit(demand(1000)));
    // Input bucket: capacity 1000 and empty; requests bucket still has 9.
    assert.deepEqual(waitOf(await limiter.admit(demand(500))), { waitMs: 500, blockedBy: 'inputTokens' });
  });

  it('admits a request larger than the bucket when the bucket is full, into debt', async () => {
    const { clock, limiter } = makeLimiter(limits(BIG, 60_000));
    // Capacity is 1000 input tokens; this request needs 5000.
    permitOf(await limiter.admit(demand(5000)));
    // Debt of 4000 then a full bucket (1000) takes 5 s at 1000 tokens/s.
    const { waitMs, blockedBy } = waitOf(await limiter.admit(demand(5000)));
    assert.equal(blockedBy, 'inputTokens');
    assert.equal(waitMs, 5000);
    await clock.advance(5000);
    permitOf(await limiter.admit(demand(5000)));
  });

  it('keeps model classes independent', async () => {
    const { clock, limiter } = makeLimiter(limits(60));
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'opus' })));
    waitOf(await limiter.admit(demand(0, 1, { modelClass: 'opus' })));
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'haiku' })));
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'sonnet' })));
    await clock.advance(59_000);
    const opus = await limiter.snapshot('opus');
    const haiku = await limiter.snapshot('haiku');
    assert.equal(opus.dimensions.requests.utilization, 1 / 60);
    assert.equal(haiku.dimensions.requests.utilization, 1 / 60);
  });

  it('uses each class its own configured limits', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({
      clock,
      limits: (c) => limits(c === 'haiku' ? 120 : 60),
      outputAccounting: 'actual',
      safetyMargin: 1,
      paceSeconds: 0.5,
    });
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'haiku' })));
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'opus' })));
    assert.equal(waitOf(await limiter.admit(demand(0, 1, { modelClass: 'haiku' }))).waitMs, 500);
    assert.equal(waitOf(await limiter.admit(demand(0, 1, { modelClass: 'opus' }))).waitMs, 1000);
  });
});
