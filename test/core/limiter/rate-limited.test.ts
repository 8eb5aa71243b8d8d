import assert from 'node:assert/strict';
import type { Permit } from '../../../src/core/limiter/types';
import { demand, dispatchUntil, headers, limits, makeLimiter, permitOf, usage, waitOf } from './helpers';

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

  it('runs slower after an unexplained 429 and recovers as successes prove room, within seconds', async () => {
    const { clock, limiter } = makeLimiter(limits(600), { recoveryMs: 3000, throttleShrink: 0.7 });
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000 });
    await clock.advance(1000);
    // Nothing answered yet: nothing proves room, so the rate stays at 0.7 (3.5 + 70 over 10 s: half the bucket).
    const unsettled = await dispatchUntil(clock, limiter, 11_000);
    assert.ok(unsettled.length >= 70 && unsettled.length < 90, `unsettled ${unsettled.length}`);
    // Each answer of a request sent after the pause lifts it: back to full within ~3 s of answers.
    const answer = (q: Permit) => limiter.settle(q, { outcome: 'completed', usage: usage(0, 1) });
    await dispatchUntil(clock, limiter, 15_000, demand(), answer);
    const full = await dispatchUntil(clock, limiter, 25_000, demand(), answer);
    assert.ok(full.length >= 99, `full ${full.length}`);
    assert.equal((await limiter.snapshot('sonnet')).throttle, undefined);
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

describe('limiter after a burst of 429s', () => {
  // Four requests out together, all refused (an unexplained burst: no headers): one episode.
  async function burstOf429s(during: number) {
    const made = makeLimiter(limits(600));
    const { clock, limiter } = made;
    const permits = [];
    for (let i = 0; i < 4; i++) permits.push(permitOf(await limiter.admit(demand())));
    await limiter.settle(permits[0]!, { outcome: 'rate_limited', retryAfterMs: 1000 });
    await clock.advance(during);
    for (const p of permits.slice(1)) await limiter.settle(p, { outcome: 'rate_limited', retryAfterMs: 1000 });
    return made;
  }

  it('throttles once for the 429s that come back during the pause the first began', async () => {
    const { limiter } = await burstOf429s(50);
    assert.deepEqual((await limiter.snapshot('sonnet')).throttle, { share: 0.85, reason: 'unexplained_429' });
  });

  it('throttles again for a 429 after the pause: a new episode', async () => {
    const { limiter } = await burstOf429s(1000);
    // the second 429 tightens (0.85²); the third and fourth came back in the pause it began
    assert.deepEqual((await limiter.snapshot('sonnet')).throttle, { share: 0.85 * 0.85, reason: 'unexplained_429' });
  });
});
