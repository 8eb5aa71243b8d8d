import assert from 'node:assert/strict';
import type { Permit } from '../../../src/core/limiter/types';
import { demand, dispatchUntil, headers, limits, makeLimiter, permitOf, usage, waitOf } from './helpers';

const limitHeaders = (rpm: number, remaining = rpm) =>
  headers({ 'anthropic-ratelimit-requests-limit': rpm, 'anthropic-ratelimit-requests-remaining': remaining });

describe('limiter learning the limits', () => {
  describe('before the first headers of a class whose limits are a guess', () => {
    it('lets one probe out, then waits for the server to speak', async () => {
      const { limiter } = makeLimiter(limits(1000), { limitsAssumed: () => true });
      permitOf(await limiter.admit(demand()));
      assert.equal(waitOf(await limiter.admit(demand())).blockedBy, 'learning');
      assert.equal((await limiter.snapshot('sonnet')).throttle?.reason, 'learning');
    });

    it('runs at the limit the headers report as soon as the probe streams them', async () => {
      const { clock, limiter } = makeLimiter(limits(1000), { limitsAssumed: () => true });
      const probe = permitOf(await limiter.admit(demand()));
      await clock.advance(300);
      await limiter.observe!(probe, limitHeaders(600, 599));
      // 600 RPM: the 1 s bucket (10) less the probe, then one per 100 ms; not the assumed 1,000.
      const sent = await dispatchUntil(clock, limiter, 1300);
      assert.ok(sent.length >= 18 && sent.length <= 20, `sent ${sent.length}`);
      assert.equal((await limiter.snapshot('sonnet')).limits.requestsPerMinute, 600);
      assert.equal((await limiter.snapshot('sonnet')).throttle, undefined);
    });

    it('learns upward: a higher tier is used at once, not after a minute', async () => {
      const { clock, limiter } = makeLimiter(limits(1000), { limitsAssumed: () => true });
      const probe = permitOf(await limiter.admit(demand()));
      await clock.advance(80);
      await limiter.observe!(probe, limitHeaders(2400, 2399));
      // 2,400 RPM = 40 per second: the bucket of 40 less the probe, then 40 more in the next second.
      const sent = await dispatchUntil(clock, limiter, 1080);
      assert.ok(sent.length >= 78, `sent ${sent.length}`);
    });

    it('does not probe when the limits were told', async () => {
      const { limiter } = makeLimiter(limits(600));
      for (let i = 0; i < 10; i++) permitOf(await limiter.admit(demand()));
    });

    it('an answer without any rate-limit headers ends the probe (nothing to learn, but the server answered)', async () => {
      const { limiter } = makeLimiter(limits(600), { limitsAssumed: () => true });
      const probe = permitOf(await limiter.admit(demand()));
      await limiter.settle(probe, { outcome: 'completed', usage: usage(0, 1) });
      for (let i = 0; i < 9; i++) permitOf(await limiter.admit(demand()));
    });
  });

  describe('headers read when a response starts', () => {
    it('correct the model while the answer is still streaming, and are not applied twice', async () => {
      const { clock, limiter } = makeLimiter(limits(1200));
      const long = permitOf(await limiter.admit(demand()));
      await limiter.observe!(long, limitHeaders(60, 59));
      // The answer streams for another 10 s; meanwhile the limiter already paces at 60 RPM.
      const during = await dispatchUntil(clock, limiter, 10_000);
      assert.ok(during.length <= 11, `during ${during.length}`);
      // Settling with the same (now stale) headers does not lower the bucket again: had "0 left"
      // been applied, with ten requests still out, the bucket would sit ten seconds in debt.
      await limiter.settle(long, { outcome: 'completed', usage: usage(0, 1), headers: limitHeaders(60, 0) });
      const next = await dispatchUntil(clock, limiter, 20_000);
      assert.ok(next.length >= 9, `next ${next.length}`);
    });

    it('release the request from what the server has not seen, so its remaining count is not charged twice', async () => {
      const { limiter } = makeLimiter(limits(600));
      const a = permitOf(await limiter.admit(demand()));
      permitOf(await limiter.admit(demand()));
      // The server has seen both (9 of 10 left in its short bucket view): nothing else lowers ours.
      await limiter.observe!(a, limitHeaders(600, 598));
      for (let i = 0; i < 8; i++) permitOf(await limiter.admit(demand()));
    });
  });

  describe('a 429 weighed', () => {
    it('explained by a lower limit: the model is corrected and costs only the retry-after pause, no shrink', async () => {
      const { clock, limiter } = makeLimiter(limits(1000), { recoveryMs: 60_000 });
      const p = permitOf(await limiter.admit(demand()));
      await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000, headers: limitHeaders(600, 550) });
      assert.equal((await limiter.snapshot('sonnet')).throttle, undefined);
      await clock.advance(1000);
      // Full 600 RPM from the end of the pause: the bucket (10) + 100 over 10 s, not 0.7 of it.
      const after = await dispatchUntil(clock, limiter, 11_000);
      assert.ok(after.length >= 108, `after ${after.length}`);
    });

    it('explained by an exhausted bucket: no shrink either', async () => {
      const { limiter } = makeLimiter(limits(600));
      const p = permitOf(await limiter.admit(demand()));
      await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000, headers: limitHeaders(600, 0) });
      assert.equal((await limiter.snapshot('sonnet')).throttle, undefined);
    });

    it('unexplained (the headers show room): the rate tightens, and the snapshot says so and why', async () => {
      const { limiter } = makeLimiter(limits(600));
      const p = permitOf(await limiter.admit(demand()));
      await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000, headers: limitHeaders(600, 500) });
      const snap = await limiter.snapshot('sonnet');
      assert.deepEqual(snap.throttle, { share: 0.85, reason: 'unexplained_429' });
    });

    it('a refused request does not count as used: utilization reports what the server counted', async () => {
      const { limiter } = makeLimiter(limits(600));
      const sent: Permit[] = [];
      for (let i = 0; i < 10; i++) sent.push(permitOf(await limiter.admit(demand())));
      await limiter.settle(sent[0]!, { outcome: 'rate_limited', retryAfterMs: 1000 });
      // 9 counted of the 100 that 600 RPM allows over the 10 s minimum span.
      assert.equal((await limiter.snapshot('sonnet')).dimensions.requests.utilization, 0.09);
    });

    it('recovers only from answers to requests sent after the pause', async () => {
      const { clock, limiter } = makeLimiter(limits(600), { recoveryMs: 3000 });
      const old: Permit[] = [];
      for (let i = 0; i < 5; i++) old.push(permitOf(await limiter.admit(demand())));
      await limiter.settle(old[0]!, { outcome: 'rate_limited', retryAfterMs: 1000 });
      await clock.advance(1000);
      for (const q of old.slice(1)) await limiter.settle(q, { outcome: 'completed', usage: usage(0, 1) });
      assert.equal((await limiter.snapshot('sonnet')).throttle?.share, 0.85);
      const fresh = permitOf(await limiter.admit(demand()));
      await limiter.settle(fresh, { outcome: 'completed', usage: usage(0, 1) });
      assert.ok((await limiter.snapshot('sonnet')).throttle!.share > 0.85);
    });
  });
});

describe('limiter after an unexplained 429: the burst', () => {
  it('is cut hardest: a full bucket is half its size until answers come back', async () => {
    const { clock, limiter } = makeLimiter(limits(600));
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, {
      outcome: 'rate_limited',
      retryAfterMs: 1000,
      headers: headers({ 'anthropic-ratelimit-requests-limit': 600, 'anthropic-ratelimit-requests-remaining': 500 }),
    });
    await clock.advance(5000);
    // 600 RPM fills a 10-request bucket; after the 429, 0.85 × 10 × 0.5 ≈ 4 go at once.
    let burst = 0;
    while ((await limiter.admit(demand())).admitted) burst++;
    assert.ok(burst >= 4 && burst <= 5, `burst ${burst}`);
  });
});
