import assert from 'node:assert/strict';
import { demand, headers, limits, makeLimiter, permitOf, usage } from './helpers';
import type { RateLimiter } from '../../../src/core/limiter/types';

async function admitMany(limiter: RateLimiter, n: number): Promise<void> {
  for (let i = 0; i < n; i++) permitOf(await limiter.admit(demand()));
}

// paceSeconds 60: a full minute of burst, so utilization can be set by hand. Snapshots are taken
// 59 s after the burst, when the trailing minute is fully covered.
const setup = () => makeLimiter(limits(60), { paceSeconds: 60 });

describe('limiter snapshot', () => {
  const cases: Array<[number, number, string]> = [
    [0, 0, 'healthy'],
    [30, 0.5, 'healthy'],
    [41, 41 / 60, 'healthy'],
    [42, 0.7, 'approaching'],
    [53, 53 / 60, 'approaching'],
    [54, 0.9, 'throttled'],
    [60, 1, 'throttled'],
  ];
  for (const [n, expected, health] of cases) {
    it(`${n} of 60 requests in the last minute: ${Math.round(expected * 100)}% and ${health}`, async () => {
      const { clock, limiter } = setup();
      await admitMany(limiter, n);
      await clock.advance(59_000);
      const snap = await limiter.snapshot('sonnet');
      assert.equal(snap.dimensions.requests.utilization, expected);
      assert.equal(snap.utilization, expected);
      assert.equal(snap.health, health);
      assert.equal(snap.binding, 'requests');
      assert.equal(snap.pausedUntil, undefined);
    });
  }

  it('forgets consumption older than a minute', async () => {
    const { clock, limiter } = setup();
    await admitMany(limiter, 30);
    await clock.advance(59_999);
    assert.equal((await limiter.snapshot('sonnet')).utilization, 0.5);
    await clock.advance(1);
    assert.equal((await limiter.snapshot('sonnet')).utilization, 0);
  });

  it('names the busiest dimension as binding', async () => {
    const { clock, limiter } = makeLimiter(limits(60, 1000), { paceSeconds: 60 });
    permitOf(await limiter.admit(demand(800)));
    await clock.advance(59_000);
    const snap = await limiter.snapshot('sonnet');
    assert.equal(snap.binding, 'inputTokens');
    assert.equal(snap.utilization, 0.8);
    assert.equal(snap.health, 'approaching');
  });

  it("prefers the server's fresh view when it is higher", async () => {
    const { clock, limiter } = setup();
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, {
      outcome: 'completed',
      usage: usage(0, 1),
      headers: headers({ 'anthropic-ratelimit-requests-limit': '60', 'anthropic-ratelimit-requests-remaining': '6' }),
    });
    const fresh = await limiter.snapshot('sonnet');
    assert.equal(fresh.dimensions.requests.utilization, 0.9);
    assert.equal(fresh.dimensions.requests.remaining, 6);
    assert.equal(fresh.health, 'throttled');
    await clock.advance(59_000);
    assert.equal((await limiter.snapshot('sonnet')).utilization, 1 / 60);
  });

  it('reads a run at full pace as at the limit before a whole minute has passed', async () => {
    const { clock, limiter } = makeLimiter(limits(60));
    for (let s = 0; s < 20; s++) {
      permitOf(await limiter.admit(demand()));
      await clock.advance(1000);
    }
    const snap = await limiter.snapshot('sonnet');
    assert.ok(snap.utilization >= 0.9, `20 s at 1 request/s against 60 RPM reads ${snap.utilization}`);
    assert.equal(snap.health, 'throttled');
  });

  it('one request does not read as a flood', async () => {
    const { limiter } = makeLimiter(limits(60));
    permitOf(await limiter.admit(demand()));
    assert.equal((await limiter.snapshot('sonnet')).utilization, 1 / 10, 'one of the 10 a 10 s span allows');
  });

  it('reports the limits in effect', async () => {
    const { limiter } = makeLimiter(limits(60, 1000, 2000));
    assert.deepEqual((await limiter.snapshot('opus')).limits, limits(60, 1000, 2000));
    await limiter.setLimits('opus', limits(120, 1000, 2000));
    assert.equal((await limiter.snapshot('opus')).limits.requestsPerMinute, 120);
  });
});
