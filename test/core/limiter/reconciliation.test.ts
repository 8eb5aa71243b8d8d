import assert from 'node:assert/strict';
import { demand, limits, makeLimiter, permitOf, usage, waitOf } from './helpers';

// 60,000 tokens a minute: 1,000 a second, a bucket of 1,000, so levels read off as waits in ms.
const ITPM = limits(1e9, 60_000);
const OTPM = limits(1e9, 1e12, 60_000);

describe('limiter reconciliation', () => {
  it('charges the rest when input was under-estimated', async () => {
    const { limiter } = makeLimiter(ITPM);
    const p = permitOf(await limiter.admit(demand(500)));
    await limiter.settle(p, { outcome: 'completed', usage: usage(800, 1) });
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 800);
  });

  it('refunds the difference when input was over-estimated', async () => {
    const { limiter } = makeLimiter(ITPM);
    const p = permitOf(await limiter.admit(demand(500)));
    await limiter.settle(p, { outcome: 'completed', usage: usage(100, 1) });
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 100);
  });

  it('counts cache writes against input but not cache reads', async () => {
    const { limiter } = makeLimiter(ITPM);
    const p = permitOf(await limiter.admit(demand(500)));
    await limiter.settle(p, {
      outcome: 'completed',
      usage: usage(100, 1, { cacheCreationInputTokens: 300, cacheReadInputTokens: 50_000 }),
    });
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 400);
  });

  it("'reserve' charges max_tokens up front and refunds what was not generated", async () => {
    const { limiter } = makeLimiter(OTPM, { outputAccounting: 'reserve' });
    const p = permitOf(await limiter.admit(demand(0, 800, { expectedOutputTokens: 50 })));
    assert.equal(p.outputTokens, 800);
    assert.deepEqual(waitOf(await limiter.admit(demand(0, 800))), { waitMs: 600, blockedBy: 'outputTokens' });
    await limiter.settle(p, { outcome: 'completed', usage: usage(0, 300) });
    assert.equal(waitOf(await limiter.admit(demand(0, 1000))).waitMs, 300);
  });

  it("'actual' paces on the expected output and charges what was generated", async () => {
    const { limiter } = makeLimiter(OTPM, { outputAccounting: 'actual' });
    const p = permitOf(await limiter.admit(demand(0, 800, { expectedOutputTokens: 100 })));
    assert.equal(p.outputTokens, 100);
    await limiter.settle(p, { outcome: 'completed', usage: usage(0, 600) });
    // 1000 - 600 generated = 400 left.
    assert.equal(waitOf(await limiter.admit(demand(0, 1000, { expectedOutputTokens: 1000 }))).waitMs, 600);
  });

  it("'actual' learns the mean output when no expectation is given, capped by max_tokens", async () => {
    const { clock, limiter } = makeLimiter(OTPM, { outputAccounting: 'actual' });
    const first = permitOf(await limiter.admit(demand(0, 900)));
    assert.equal(first.outputTokens, 900, 'nothing learned yet: assume the worst');
    await limiter.settle(first, { outcome: 'completed', usage: usage(0, 300) });
    await clock.advance(1000);
    assert.equal(permitOf(await limiter.admit(demand(0, 900))).outputTokens, 300);
    assert.equal(permitOf(await limiter.admit(demand(0, 200))).outputTokens, 200);
  });

  it("'not_sent' refunds everything", async () => {
    const { limiter } = makeLimiter(limits(60, 60_000));
    const p = permitOf(await limiter.admit(demand(1000)));
    await limiter.settle(p, { outcome: 'not_sent' });
    permitOf(await limiter.admit(demand(1000)));
  });

  it("'failed' keeps the request and the input estimate, and refunds unknown output", async () => {
    const { clock, limiter } = makeLimiter(limits(60, 60_000, 60_000), { outputAccounting: 'reserve' });
    const p = permitOf(await limiter.admit(demand(400, 1000)));
    await limiter.settle(p, { outcome: 'failed' });
    assert.deepEqual(waitOf(await limiter.admit(demand(0, 1000))), { waitMs: 1000, blockedBy: 'requests' });
    assert.equal(waitOf(await limiter.admit(demand(1000, 1))).waitMs, 1000);
    await clock.advance(59_000);
    const snap = await limiter.snapshot('sonnet');
    assert.equal(snap.dimensions.inputTokens.utilization, 400 / 60_000);
    assert.equal(snap.dimensions.outputTokens.utilization, 0);
  });

  it("'failed' rejected (a 5xx/529 status instead of an answer) keeps the request but refunds the input", async () => {
    // The model did not run, so no input was processed; whether the server counted the request is
    // not documented, so it stays charged (conservative for RPM).
    const { clock, limiter } = makeLimiter(limits(60, 60_000, 60_000));
    const p = permitOf(await limiter.admit(demand(400, 1000, { expectedOutputTokens: 100 })));
    await limiter.settle(p, { outcome: 'failed', rejected: true });
    assert.deepEqual(waitOf(await limiter.admit(demand(0, 1000))), { waitMs: 1000, blockedBy: 'requests' });
    await clock.advance(1000);
    // A full second of input is available again: nothing of the 400 is still charged.
    permitOf(await limiter.admit(demand(1000, 1)));
    // Over the (minimum) 10 s span: two requests of 10 allowed, 1,000 input tokens of 10,000.
    const { requests, inputTokens } = (await limiter.snapshot('sonnet')).dimensions;
    assert.equal(requests.utilization, 0.2);
    assert.equal(inputTokens.utilization, 0.1);
  });

  it("'failed' with usage reconciles like a completion", async () => {
    const { limiter } = makeLimiter(ITPM);
    const p = permitOf(await limiter.admit(demand(500)));
    await limiter.settle(p, { outcome: 'failed', usage: usage(900, 0) });
    assert.equal(waitOf(await limiter.admit(demand(1000))).waitMs, 900);
  });

  it('ignores a second settlement of the same permit', async () => {
    const { limiter } = makeLimiter(limits(60));
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'completed', usage: usage(0, 1) });
    await limiter.settle(p, { outcome: 'not_sent' });
    assert.equal(waitOf(await limiter.admit(demand())).waitMs, 1000);
  });
});
