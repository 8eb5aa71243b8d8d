import assert from 'node:assert/strict';
import { heard, onAsyncStore, ZERO } from './async-store';
import { demand, limits, makeLimiter, permitOf, usage } from './helpers';

/**
 * The admitting process's side of a lease (held-permits.ts): the shared state keeps only sums per
 * bucket, so settling once, and exactly what is still held, is the admitting limiter's to ensure.
 */
describe('limiter: each permit settled once, by the limiter that admitted it', () => {
  const setup = onAsyncStore;

  it('a second settlement of a permit changes nothing, though its bucket still holds others', async () => {
    const { limiter, state } = setup();
    const a = permitOf(await limiter.admit(demand(100, 10)));
    permitOf(await limiter.admit(demand(200, 20)));
    await limiter.settle(a, { outcome: 'not_sent' });
    const once = await state();
    await limiter.settle(a, { outcome: 'not_sent' });
    const twice = await state();
    assert.deepEqual(twice.leases, once.leases);
    assert.deepEqual(twice.cls.levels, once.cls.levels, 'no second refund');
    assert.deepEqual(twice.cls.inFlight, { requests: 1, inputTokens: 200, outputTokens: 20 });
  });

  it('a settlement written but whose reply was lost is retried and applied once', async () => {
    const { clock, store, limiter, state } = setup();
    const a = permitOf(await limiter.admit(demand(100, 10)));
    permitOf(await limiter.admit(demand(200, 20)));
    store.loseNextReply = true;
    await limiter.settle(a, { outcome: 'not_sent' }); // committed; the limiter believes it was not
    const applied = await state();
    assert.deepEqual(applied.cls.inFlight, { requests: 1, inputTokens: 200, outputTokens: 20 });
    await clock.advance(1);
    permitOf(await limiter.admit(demand(1, 1))); // retries the queued settlement first
    const after = await state();
    assert.deepEqual(after.cls.inFlight, { requests: 2, inputTokens: 201, outputTokens: 21 }, 'its charge left flight once');
    assert.equal(
      Object.values(after.leases).reduce((n, b) => n + b.count, 0),
      2,
    );
    // 1 ms refills 0.1 request at 6,000 RPM; the new permit takes 1; a second refund would add 1.
    assert.ok(Math.abs(after.cls.levels.requests - (applied.cls.levels.requests + 0.1 - 1)) < 1e-9, `${after.cls.levels.requests}`);
  });

  it('a settlement made while the headers are still being written waits for them, and releases only the output', async () => {
    const { limiter, state } = setup();
    const a = permitOf(await limiter.admit(demand(100, 10)));
    const observed = limiter.observe!(a, heard); // not awaited, as the stream's listener does
    await limiter.settle(a, { outcome: 'completed', usage: usage(100, 10) });
    await observed;
    const s = await state();
    assert.deepEqual(s.leases, {});
    assert.deepEqual(s.cls.inFlight, ZERO);
    assert.equal(s.cls.server.requests?.remaining, 5_999);
  });

  it('a permit this limiter did not hand out (a copy, another limiter’s) settles nothing', async () => {
    const { clock, store, limiter, state } = setup();
    const other = makeLimiter(limits(6_000), { clock, store }).limiter;
    const a = permitOf(await limiter.admit(demand(100, 10)));
    await other.settle(a, { outcome: 'not_sent' });
    await limiter.settle({ ...a }, { outcome: 'not_sent' });
    await other.observe!(a, heard);
    const s = await state();
    assert.deepEqual(s.cls.inFlight, { requests: 1, inputTokens: 100, outputTokens: 10 });
    await limiter.settle(a, { outcome: 'not_sent' });
    assert.deepEqual((await state()).cls.inFlight, ZERO);
  });
});
