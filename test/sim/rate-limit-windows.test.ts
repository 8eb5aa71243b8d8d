import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { FakeClock } from '../support/fake-clock';
import { HELLO, startFixture, thrown, type SimFixture } from './sim-support';

// Each limit is a minute bucket (what the headers show) and a short-interval bucket (what bursts
// trip). These tests read the headers the way a client does.

const BIG = { ...HELLO, messages: [{ role: 'user' as const, content: 'z'.repeat(6000) }] }; // 1,507 input tokens

function header(h: Headers, name: string): string | null {
  return h.get(`anthropic-ratelimit-${name}`);
}

describe('sim: minute and short-interval buckets', () => {
  let f: SimFixture;
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });
  afterEach(async () => f.sim.close());

  it('idle headers show the whole minute bucket: remaining equals limit, reset is now', async () => {
    f = await startFixture({ clock });
    // count_tokens carries the class headers without charging the class
    const { response } = await f.client.messages.countTokens({ model: HELLO.model, messages: HELLO.messages }).withResponse();
    const h = response.headers;
    const now = new Date(clock.now()).toISOString().replace('.000Z', 'Z');
    for (const [name, limit] of [
      ['requests', '50'],
      ['input-tokens', '50000'],
      ['output-tokens', '10000'],
      ['tokens', '50000'],
    ]) {
      assert.equal(header(h, `${name}-limit`), limit, name);
      assert.equal(header(h, `${name}-remaining`), limit, name);
      assert.equal(header(h, `${name}-reset`), now, name);
    }
    // one request uses 2 % of the minute, not 20 % of a 6 s bucket
    const after = await f.client.messages.create(HELLO).withResponse();
    assert.equal(header(after.response.headers, 'requests-remaining'), '49');
  });

  it('a burst that empties the short bucket gets 429 while the minute view still has room', async () => {
    // 60,000 ITPM, a 6 s window (not the default 1 s): 6,000 input tokens in the short bucket, three requests of 1,507
    f = await startFixture({ clock, burstSeconds: 6, limits: { default: { inputTokensPerMinute: 60_000 } } });
    for (let i = 0; i < 3; i++) await f.client.messages.create(BIG);
    const err = await thrown(() => f.client.messages.create(BIG));
    assert.ok(err instanceof Anthropic.RateLimitError, String(err));
    assert.match(err.apiMessage ?? '', /60,000 input tokens per minute/);
    // 60,000 − 4,521 = 55,479 left in the minute: a client reading the headers sees 8 % used
    assert.equal(err.headers.get('anthropic-ratelimit-input-tokens-limit'), '60000');
    assert.equal(err.headers.get('anthropic-ratelimit-input-tokens-remaining'), '55000');
    // the short bucket holds 1,479 and needs 1,507: 28 ms at 1,000 a second
    assert.equal(err.headers.get('retry-after'), '1');
    await clock.advance(27);
    await thrown(() => f.client.messages.create(BIG));
    await clock.advance(1);
    await f.client.messages.create(BIG);
  });

  it('by default the short window is 1 s, as documented: 60 RPM is one request a second, a second at once trips it', async () => {
    // API-FACTS: "60 RPM may be enforced as 1 request per second, so bursts trip it"
    f = await startFixture({ clock, limits: { default: { requestsPerMinute: 60 } } });
    await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.match(err.apiMessage ?? '', /60 requests per minute/);
    // the minute view still says 59 left: the window is not visible in the headers
    assert.equal(err.headers.get('anthropic-ratelimit-requests-remaining'), '59');
    await clock.advance(1000);
    await f.client.messages.create(HELLO);
    // 50 RPM (the default limit): the short bucket holds 0.83 requests, so each waits for a full one, 1.2 s apart
    await f.sim.close();
    f = await startFixture({ clock });
    await f.client.messages.create(HELLO);
    await clock.advance(1199);
    assert.ok((await thrown(() => f.client.messages.create(HELLO))) instanceof Anthropic.RateLimitError);
    await clock.advance(1);
    await f.client.messages.create(HELLO);
  });

  it('count_tokens has its own window, 1 s by default like messages; wider on request', async () => {
    const count = () => f.client.messages.countTokens({ model: HELLO.model, messages: HELLO.messages });
    f = await startFixture({ clock, countTokensRequestsPerMinute: 60 });
    await count();
    assert.ok((await thrown(count)) instanceof Anthropic.RateLimitError);
    await f.sim.close();
    f = await startFixture({ clock, countTokensRequestsPerMinute: 60, countTokensBurstSeconds: 6 });
    for (let i = 0; i < 6; i++) await count();
    assert.ok((await thrown(count)) instanceof Anthropic.RateLimitError);
  });

  it('steady pacing at the rate never gets 429, even with a one-request short bucket', async () => {
    // 60 RPM, 1 s window: one request a second, for two minutes
    f = await startFixture({ clock, burstSeconds: 1, limits: { default: { requestsPerMinute: 60 } } });
    for (let i = 0; i < 130; i++) {
      const { response } = await f.client.messages.create(HELLO).withResponse();
      assert.equal(header(response.headers, 'requests-remaining'), '59', `request ${i}`);
      await clock.advance(1000);
    }
    assert.equal(f.sim.stats().rateLimited, 0);
    // one millisecond early is a burst of two within the window
    await f.client.messages.create(HELLO);
    await clock.advance(999);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.headers.get('anthropic-ratelimit-requests-remaining'), '59');
    assert.equal(err.headers.get('retry-after'), '1');
  });

  it('reset is when the minute bucket is full again, in whole seconds rounded up', async () => {
    f = await startFixture({ clock, burstSeconds: 5, limits: { default: { requestsPerMinute: 60 } } });
    await clock.advance(400); // off the whole second, so the rounding shows
    const start = clock.now();
    for (let i = 0; i < 5; i++) await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    // five used, one a second back: full at start + 5 s, reported as the next whole second
    assert.equal(Date.parse(err.headers.get('anthropic-ratelimit-requests-reset')!), start + 5600);
    await clock.advance(2500);
    const { response } = await f.client.messages.create(HELLO).withResponse();
    // 3.5 used at start + 2.5 s: full at start + 6 s
    assert.equal(Date.parse(header(response.headers, 'requests-reset')!), start + 6600);
    await clock.advance(300);
    const later = await f.client.messages.countTokens({ model: HELLO.model, messages: HELLO.messages }).withResponse();
    assert.equal(Date.parse(header(later.response.headers, 'requests-reset')!), start + 6600);
    assert.equal(header(later.response.headers, 'requests-remaining'), '56'); // 56.8, whole requests only
  });

  it('output use shows in the minute view: tokens-* follows the emptier bucket, reset when it is repaid', async () => {
    // 600 OTPM: 10 tokens a second; one answer of ~200 tokens is a third of the minute
    f = await startFixture({ clock, limits: { default: { outputTokensPerMinute: 600 } }, output: { tokensPerMessage: 200, jitter: 0 } });
    const start = clock.now();
    const { data, response } = await f.client.messages.create(HELLO).withResponse();
    const used = data.usage.output_tokens;
    assert.ok(used > 100, String(used));
    const fullAt = Math.ceil((start + used * 100) / 1000) * 1000;
    assert.equal(Date.parse(header(response.headers, 'output-tokens-reset')!), fullAt);
    assert.equal(header(response.headers, 'tokens-reset'), header(response.headers, 'output-tokens-reset'));
    assert.equal(header(response.headers, 'tokens-limit'), '600');
  });

  it('runtime config changes show at once: a raised limit adds its room, burstSeconds changes the short window', async () => {
    f = await startFixture({ clock, burstSeconds: 6, limits: { default: { requestsPerMinute: 60 } } });
    f.sim.configure({ limits: { default: { requestsPerMinute: 120 } } });
    // idle stays idle: 120 left, and the 6 s window now holds 12
    const idle = await f.client.messages.countTokens({ model: HELLO.model, messages: HELLO.messages }).withResponse();
    assert.equal(header(idle.response.headers, 'requests-limit'), '120');
    assert.equal(header(idle.response.headers, 'requests-remaining'), '120');
    for (let i = 0; i < 12; i++) await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.headers.get('anthropic-ratelimit-requests-remaining'), '108');

    // a 60 s window makes the short bucket the minute bucket: the rest of the minute in one burst
    f.sim.configure({ burstSeconds: 60 });
    for (let i = 0; i < 108; i++) await f.client.messages.create(HELLO);
    const spent = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(spent instanceof Anthropic.RateLimitError);
    assert.equal(spent.headers.get('anthropic-ratelimit-requests-remaining'), '0');
    assert.equal(spent.headers.get('retry-after'), '1');

    // lowering bites at once, in both buckets
    f.sim.configure({ limits: { default: { requestsPerMinute: 30 } }, burstSeconds: 2 });
    await clock.advance(2000); // both were empty: one request of refill at 30 RPM
    const low = await f.client.messages.countTokens({ model: HELLO.model, messages: HELLO.messages }).withResponse();
    assert.equal(header(low.response.headers, 'requests-limit'), '30');
    assert.equal(header(low.response.headers, 'requests-remaining'), '1');
    await f.client.messages.create(HELLO);
    assert.ok((await thrown(() => f.client.messages.create(HELLO))) instanceof Anthropic.RateLimitError);
  });

  it('a 429 names the dimension that waits longest, and retry-after is when every bucket can pay', async () => {
    // one request a second, and 600 OTPM: a ~200-token answer puts the 60-token short bucket in debt
    f = await startFixture({
      clock,
      burstSeconds: 6,
      limits: { default: { requestsPerMinute: 10, outputTokensPerMinute: 600 } },
      output: { tokensPerMessage: 200, jitter: 0 },
    });
    const first = await f.client.messages.create(HELLO);
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    // requests are free again in 6 s, output only after its debt is repaid
    const wait = Math.ceil((first.usage.output_tokens - 60) / 10);
    assert.ok(wait > 6, String(wait));
    assert.match(err.apiMessage ?? '', /600 output tokens per minute/);
    assert.equal(err.headers.get('retry-after'), String(wait));
    await clock.advance(wait * 1000);
    await f.client.messages.create(HELLO);
  });

  it('POST /_sim/refill fills both buckets', async () => {
    f = await startFixture({ clock, burstSeconds: 5, limits: { default: { requestsPerMinute: 60 } } });
    for (let i = 0; i < 5; i++) await f.client.messages.create(HELLO);
    await thrown(() => f.client.messages.create(HELLO));
    assert.equal((await fetch(`${f.sim.url}/_sim/refill`, { method: 'POST' })).status, 200);
    const { response } = await f.client.messages.create(HELLO).withResponse();
    assert.equal(header(response.headers, 'requests-remaining'), '59');
  });
});
