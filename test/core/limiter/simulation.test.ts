import assert from 'node:assert/strict';
import { createRateLimiter } from '../../../src/core/limiter/rate-limiter';
import { FakeClock } from '../../support/fake-clock';
import { demand, dispatchUntil, headers, limits, usage } from './helpers';

/** The server as the docs describe it: a continuously refilled token bucket. */
class IdealBucket {
  private level: number;
  private at = 0;
  lowest: number;
  constructor(
    private readonly perMs: number,
    private readonly capacity: number,
  ) {
    this.level = capacity;
    this.lowest = capacity;
  }
  take(now: number): number {
    this.level = Math.min(this.capacity, this.level + (now - this.at) * this.perMs) - 1;
    this.at = now;
    this.lowest = Math.min(this.lowest, this.level);
    return this.level;
  }
}

describe('limiter simulation', () => {
  it('a 10-minute run at 600 RPM gets ≥ 97% of the limit and never trips a one-second bucket', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ clock, limits: () => limits(600), outputAccounting: 'actual' });
    // The server's minute bucket answers with headers; a stricter one-second bucket checks bursts.
    const minute = new IdealBucket(600 / 60_000, 600);
    const second = new IdealBucket(600 / 60_000, 10);
    const times = await dispatchUntil(clock, limiter, 600_000, demand(), async (permit) => {
      second.take(clock.now());
      const remaining = Math.floor(minute.take(clock.now()));
      await limiter.settle(permit, {
        outcome: 'completed',
        usage: usage(0, 1),
        headers: headers({
          'anthropic-ratelimit-requests-limit': '600',
          'anthropic-ratelimit-requests-remaining': String(Math.max(0, remaining)),
        }),
      });
    });
    assert.ok(times.length >= 0.97 * 6000, `admitted ${times.length}`);
    assert.ok(second.lowest >= -1e-9, `one-second bucket went to ${second.lowest}`);
    assert.ok(minute.lowest > 0);
  });

  it('the same run without pacing would trip the one-second bucket (the check can fail)', () => {
    const second = new IdealBucket(600 / 60_000, 10);
    for (let i = 0; i < 20; i++) second.take(0);
    assert.ok(second.lowest < 0);
  });
});
