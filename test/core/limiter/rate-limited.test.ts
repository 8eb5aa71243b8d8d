import assert from 'node:assert/strict';
import { demand, dispatchUntil, headers, limits, makeLimiter, permitOf, waitOf } from './helpers';

describe('limiter after a 429', () => {
  it('pauses the class for retry-after, then admits again', async () => {
    const { clock, limiter } = makeLimiter(limits(600));
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 2000 });
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 2000, blockedBy: 'pause' });
    const snap = await limiter.snapshot('sonnet');
    assert.equal(snap.health, 'throttled');
    assert.equal(snap.pausedUntil, 2000);
    await clock.advance(1999);
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 1, blockedBy: 'pause' });
    await clock.advance(1);
    permitOf(await limiter.admit(demand()));
    assert.equal((await limiter.snapshot('sonnet')).pausedUntil, undefined);
    // Other classes are not paused.
    permitOf(await limiter.admit(demand(0, 1, { modelClass: 'haiku' })));
  });

  it('runs slower after the pause and recovers the full rate gradually', async () => {
    const { clock, limiter } = makeLimiter(limits(600), { recoveryMs: 60_000 });
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000 });
    await clock.advance(1000);
    const early = await dispatchUntil(clock, limiter, 11_000);
    await clock.advance(60_000 - clock.now() + 1000);
    const late = await dispatchUntil(clock, limiter, 71_000);
    // At 0.7 of the rate: about 7 + 70 in the first 10 s; back to 10 + 100 after recovery.
    assert.ok(early.length < 90, `early ${early.length}`);
    assert.ok(early.length >= 70, `early ${early.length}`);
    assert.ok(late.length >= 105, `late ${late.length}`);
  });

  it('pauses until the reset of the exhausted bucket when there is no retry-after', async () => {
    const { clock, limiter } = makeLimiter(limits(600, 60_000));
    const p = permitOf(await limiter.admit(demand(100)));
    await limiter.settle(p, {
      outcome: 'rate_limited',
      headers: headers({
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': new Date(clock.now() + 3000).toISOString(),
        'anthropic-ratelimit-input-tokens-remaining': '50000',
      }),
    });
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 3000, blockedBy: 'pause' });
    await clock.advance(3000);
    // Only the requests bucket was blamed and drained; input tokens refilled to full.
    const snap = await limiter.snapshot('sonnet');
    assert.equal(snap.dimensions.inputTokens.remaining, 50_000);
    permitOf(await limiter.admit(demand(700)));
  });

  it('falls back to the default pause when the server gives no timing at all', async () => {
    const { limiter } = makeLimiter(limits(600), { defaultPauseMs: 5000 });
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'rate_limited' });
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 5000, blockedBy: 'pause' });
  });

  it('keeps the later end when a second 429 arrives during a pause', async () => {
    const { limiter } = makeLimiter(limits(600));
    const a = permitOf(await limiter.admit(demand()));
    const b = permitOf(await limiter.admit(demand()));
    await limiter.settle(a, { outcome: 'rate_limited', retryAfterMs: 4000 });
    await limiter.settle(b, { outcome: 'rate_limited', retryAfterMs: 1000 });
    assert.equal(waitOf(await limiter.admit(demand())).waitMs, 4000);
  });
});
