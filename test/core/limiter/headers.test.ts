import assert from 'node:assert/strict';
import { parseRateLimitHeaders } from '../../../src/core/limiter/headers';
import { demand, dispatchUntil, headers, limits, makeLimiter, permitOf, usage, waitOf } from './helpers';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('rate-limit headers', () => {
  it('parses limit, remaining and reset of every bucket', () => {
    const info = parseRateLimitHeaders(
      headers({
        'anthropic-ratelimit-requests-limit': '1000',
        'anthropic-ratelimit-requests-remaining': '999',
        'anthropic-ratelimit-requests-reset': '2026-11-23T12:00:01Z',
        'anthropic-ratelimit-input-tokens-limit': '2000000',
        'anthropic-ratelimit-input-tokens-remaining': '1998000',
        'anthropic-ratelimit-output-tokens-limit': '400000',
        'anthropic-ratelimit-output-tokens-remaining': '0',
        'anthropic-ratelimit-output-tokens-reset': '2026-11-23T12:00:30Z',
        'anthropic-ratelimit-tokens-remaining': '0',
      }),
      T0,
    );
    assert.deepEqual(info, {
      at: T0,
      requests: { limit: 1000, remaining: 999, resetAt: T0 + 1000 },
      inputTokens: { limit: 2_000_000, remaining: 1_998_000 },
      outputTokens: { limit: 400_000, remaining: 0, resetAt: T0 + 30_000 },
      tokens: { remaining: 0 },
    });
  });

  it('reads retry-after as seconds, milliseconds or an HTTP date, and skips garbage', () => {
    assert.equal(parseRateLimitHeaders(headers({ 'retry-after': '7' }), T0).retryAfterMs, 7000);
    assert.equal(parseRateLimitHeaders(headers({ 'retry-after-ms': '250', 'retry-after': '7' }), T0).retryAfterMs, 250);
    const date = new Date(T0 + 3000).toUTCString();
    assert.equal(parseRateLimitHeaders(headers({ 'retry-after': date }), T0).retryAfterMs, 3000);
    const junk = parseRateLimitHeaders(
      headers({ 'retry-after': 'soon', 'anthropic-ratelimit-requests-limit': 'lots', 'anthropic-ratelimit-requests-reset': 'x' }),
      T0,
    );
    assert.deepEqual(junk, { at: T0 });
  });

  it('follows a lower limit from one response on', async () => {
    const { clock, limiter } = makeLimiter(limits(600));
    const times = await dispatchUntil(clock, limiter, 1000, demand(), async (p) => {
      if (clock.now() === 500) {
        await limiter.settle(p, {
          outcome: 'completed',
          usage: usage(0, 1),
          headers: headers({ 'anthropic-ratelimit-requests-limit': '60' }),
        });
      }
    });
    const after = (await dispatchUntil(clock, limiter, 10_000)).length;
    assert.ok(times.includes(500));
    // 60 RPM from now on: about one a second for the next 9 s, not the configured ten.
    assert.ok(after >= 8 && after <= 10, `admitted ${after}`);
    assert.equal((await limiter.snapshot('sonnet')).limits.requestsPerMinute, 60);
  });

  it('follows a higher limit too, with the room it brings at once', async () => {
    const { limiter } = makeLimiter(limits(60));
    const p = permitOf(await limiter.admit(demand()));
    assert.equal(waitOf(await limiter.admit(demand())).waitMs, 1000);
    await limiter.settle(p, {
      outcome: 'completed',
      usage: usage(0, 1),
      headers: headers({ 'anthropic-ratelimit-requests-limit': '600' }),
    });
    // The server's 1 s bucket at 600 RPM holds 10, one of which was spent: 9 go now, then one per 100 ms.
    for (let i = 0; i < 9; i++) permitOf(await limiter.admit(demand()));
    assert.equal(waitOf(await limiter.admit(demand())).waitMs, 100);
  });

  it('lowers the local level to what the server has left, minus what is still in flight', async () => {
    const { limiter } = makeLimiter(limits(1e9, 60_000));
    const a = permitOf(await limiter.admit(demand(100)));
    permitOf(await limiter.admit(demand(300))); // still in flight
    await limiter.settle(a, {
      outcome: 'completed',
      usage: usage(100, 1),
      headers: headers({ 'anthropic-ratelimit-input-tokens-remaining': '0' }),
    });
    // "0" means under 500 (rounded to the nearest thousand); 300 of that is ours in flight.
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 800);
  });

  it('does not lower the level for differences within the rounding', async () => {
    const { limiter } = makeLimiter(limits(1e9, 60_000));
    const a = permitOf(await limiter.admit(demand(100)));
    permitOf(await limiter.admit(demand(300)));
    await limiter.settle(a, {
      outcome: 'completed',
      usage: usage(100, 1),
      headers: headers({ 'anthropic-ratelimit-input-tokens-remaining': '1000' }),
    });
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 400);
  });

  it('takes requests remaining literally', async () => {
    const { limiter } = makeLimiter(limits(600));
    const a = permitOf(await limiter.admit(demand()));
    permitOf(await limiter.admit(demand()));
    await limiter.settle(a, {
      outcome: 'completed',
      usage: usage(0, 1),
      headers: headers({ 'anthropic-ratelimit-requests-remaining': '3' }),
    });
    // 3 left on the server, 1 of ours in flight: 2 more now, then wait.
    permitOf(await limiter.admit(demand()));
    permitOf(await limiter.admit(demand()));
    assert.equal(waitOf(await limiter.admit(demand())).waitMs, 100);
  });
});
