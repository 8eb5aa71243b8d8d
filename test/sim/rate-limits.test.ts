import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { FakeClock } from '../support/fake-clock';
import { HELLO, startFixture, thrown, type SimFixture } from './sim-support';

describe('sim: rate limits', () => {
  let f: SimFixture;
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });
  afterEach(async () => f.sim.close());

  it('admits a burst up to the short window, then 429 with retry-after', async () => {
    // 60 RPM, 5 s window: a short bucket of 5 requests refilling one per second
    f = await startFixture({ clock, burstSeconds: 5, limits: { default: { requestsPerMinute: 60 } } });
    for (let i = 0; i < 5; i++) await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError, String(err));
    assert.equal(err.type, 'rate_limit_error');
    assert.equal(err.headers.get('retry-after'), '1');
    // the short bucket refused it; the headers show the minute bucket, 55 of 60 left
    assert.equal(err.headers.get('anthropic-ratelimit-requests-remaining'), '55');
    assert.match(err.apiMessage ?? '', /60 requests per minute/);
    assert.equal(err.errorCode, null);
    const stats = f.sim.stats();
    assert.equal(stats.rateLimited, 1);
    assert.equal(stats.byStatus['200'], 5);
    assert.equal(stats.byModelClass.haiku?.rateLimited, 1);
  });

  it('refills continuously over time', async () => {
    f = await startFixture({ clock, burstSeconds: 5, limits: { default: { requestsPerMinute: 60 } } });
    for (let i = 0; i < 5; i++) await f.client.messages.create(HELLO);
    await thrown(() => f.client.messages.create(HELLO));
    await clock.advance(999);
    await thrown(() => f.client.messages.create(HELLO));
    await clock.advance(1);
    await f.client.messages.create(HELLO);
    await clock.advance(2000);
    const { response } = await f.client.messages.create(HELLO).withResponse();
    // 7 requests taken, 3 s of refill: 56 of 60 in the minute bucket (and 1 in the short one)
    assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '56');
    // the reset says when the minute bucket is full again: 4 more requests at one per second
    const reset = Date.parse(response.headers.get('anthropic-ratelimit-requests-reset')!);
    assert.equal(reset - clock.now(), 4000);
  });

  it('blocks on input tokens and names that dimension', async () => {
    // 600 ITPM, 6 s window: 60 input tokens in the bucket; HELLO costs 10
    f = await startFixture({ clock, limits: { haiku: { inputTokensPerMinute: 600 } } });
    const big = { ...HELLO, messages: [{ role: 'user' as const, content: 'y'.repeat(200) }] };
    await f.client.messages.create(big); // 57 tokens: bigger than nothing, fits the 60 bucket
    const err = await thrown(() => f.client.messages.create(big));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.match(err.apiMessage ?? '', /600 input tokens per minute/);
    // 57 tokens missing 54 at 10 per second
    assert.equal(err.headers.get('retry-after'), '6');
    // other classes have their own buckets
    await f.client.messages.create({ ...big, model: 'claude-sonnet-5-5' });
  });

  it("'actual' accounting blocks while the output bucket is in debt", async () => {
    // 600 OTPM, a 6 s window: 60 output tokens in the bucket; one answer of ~200 tokens puts it deep in debt
    f = await startFixture({
      clock,
      burstSeconds: 6,
      limits: { default: { outputTokensPerMinute: 600 } },
      output: { tokensPerMessage: 200, jitter: 0 },
    });
    const first = await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.match(err.apiMessage ?? '', /output tokens/);
    const debt = first.usage.output_tokens - 60;
    assert.equal(err.headers.get('retry-after'), String(Math.ceil(debt / 10)));
    await clock.advance(Math.ceil(debt / 10) * 1000);
    await f.client.messages.create(HELLO);
  });

  it("'reserve' accounting needs max_tokens up front and refunds the unused part", async () => {
    f = await startFixture({
      clock,
      outputAccounting: 'reserve',
      burstSeconds: 6,
      limits: { default: { outputTokensPerMinute: 6000 } }, // 600 in the 6 s bucket
      output: { tokensPerMessage: 20, jitter: 0 },
    });
    await f.client.messages.create({ ...HELLO, max_tokens: 500 });
    // ~20 used, 480 refunded: 580 left, so 500 fits again
    await f.client.messages.create({ ...HELLO, max_tokens: 500 });
    await f.client.messages.create({ ...HELLO, max_tokens: 500 });
    const err = await thrown(() => f.client.messages.create({ ...HELLO, max_tokens: 590 }));
    assert.ok(err instanceof Anthropic.RateLimitError);
    // bigger than the whole bucket: admitted only when full
    await clock.advance(10_000);
    await f.client.messages.create({ ...HELLO, max_tokens: 5000 });
  });

  it('changes limits at runtime through POST /_sim/config, and headers follow', async () => {
    f = await startFixture({ clock, burstSeconds: 6 });
    const before = await f.client.messages.create(HELLO).withResponse();
    assert.equal(before.response.headers.get('anthropic-ratelimit-requests-limit'), '50');
    const res = await fetch(`${f.sim.url}/_sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limits: { default: { requestsPerMinute: 10 } } }),
    });
    assert.equal(res.status, 200);
    // both buckets were clamped to the new capacities: 10 a minute, one request in the 6 s window
    const after = await f.client.messages.create(HELLO).withResponse();
    assert.equal(after.response.headers.get('anthropic-ratelimit-requests-limit'), '10');
    assert.equal(after.response.headers.get('anthropic-ratelimit-requests-remaining'), '9');
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.headers.get('anthropic-ratelimit-requests-limit'), '10');
    assert.equal(err.headers.get('anthropic-ratelimit-requests-remaining'), '9');
    assert.equal(err.headers.get('retry-after'), '6');
    const stats = (await (await fetch(`${f.sim.url}/_sim/stats`)).json()) as { limits: { haiku: { requestsPerMinute: number } } };
    assert.equal(stats.limits.haiku.requestsPerMinute, 10);
  });

  it('rejects an invalid runtime patch and keeps the old limits', async () => {
    f = await startFixture({ clock });
    const res = await fetch(`${f.sim.url}/_sim/config`, {
      method: 'POST',
      body: JSON.stringify({ limits: { default: { requestsPerMinute: 0 } } }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, 'Expected `limits.default.requestsPerMinute` to be a number from 1 and up, got `0` (number)');
    assert.equal(f.sim.stats().limits.opus.requestsPerMinute, 50);
    assert.throws(() => f.sim.configure({ burstSeconds: -1 }), /Expected `burstSeconds`/);
  });

  it('rounds token remaining to the nearest thousand', async () => {
    // a 6 s window (10,000 tokens) lets two requests of 1,507 go back to back
    f = await startFixture({ clock, burstSeconds: 6, limits: { default: { inputTokensPerMinute: 100_000 } } });
    const big = { ...HELLO, messages: [{ role: 'user' as const, content: 'z'.repeat(6000) }] }; // 1,507 tokens
    const first = await f.client.messages.create(big).withResponse();
    assert.equal(first.data.usage.input_tokens, 1507);
    // 98,493 left rounds down, 96,986 rounds up
    assert.equal(first.response.headers.get('anthropic-ratelimit-input-tokens-remaining'), '98000');
    const second = await f.client.messages.create(big).withResponse();
    assert.equal(second.response.headers.get('anthropic-ratelimit-input-tokens-remaining'), '97000');
  });
});
