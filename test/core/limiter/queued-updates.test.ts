import assert from 'node:assert/strict';
import type { Permit } from '../../../src/core/limiter/types';
import { heard, onAsyncStore, ZERO } from './async-store';
import { demand, permitOf, usage } from './helpers';

/**
 * On a shared store, settlements and observes are queued and ride along with one update
 * (queued-updates.ts): those made in one turn of the event loop share it, and an admit carries its
 * class's. Each must still land exactly once and in order.
 */
describe('limiter: settlements and observes share store updates', () => {
  const setup = onAsyncStore;

  async function admitMany(limiter: ReturnType<typeof setup>['limiter'], n: number): Promise<Permit[]> {
    const permits: Permit[] = [];
    for (let i = 1; i <= n; i++) permits.push(permitOf(await limiter.admit(demand(i * 10, i))));
    return permits;
  }

  it('settlements made in one turn land in one update, each permit’s charge taken out exactly once', async () => {
    const { store, limiter, state } = setup();
    const permits = await admitMany(limiter, 20);
    const before = store.updates;
    await Promise.all(permits.map((p) => limiter.settle(p, { outcome: 'completed', usage: usage(p.inputTokens, p.outputTokens) })));
    assert.equal(store.updates - before, 1, 'one update for twenty settlements');
    const s = await state();
    assert.deepEqual(s.cls.inFlight, ZERO);
    assert.deepEqual(s.leases, {}, 'every bucket emptied, none twice');
    // settled again, in one turn: nothing is queued, nothing changes
    await Promise.all(permits.map((p) => limiter.settle(p, { outcome: 'not_sent' })));
    assert.equal(store.updates - before, 1);
    assert.deepEqual((await state()).cls.levels, s.cls.levels, 'no second refund');
  });

  it('an admit carries the settlements and observes queued before it, in the same update', async () => {
    const { store, limiter, state } = setup();
    const [a, b] = await admitMany(limiter, 2);
    const before = store.updates;
    const observed = limiter.observe!(a!, heard);
    const settled = limiter.settle(b!, { outcome: 'not_sent' });
    const c = permitOf(await limiter.admit(demand(1, 1)));
    await Promise.all([observed, settled]);
    assert.equal(store.updates - before, 1, 'the admit carried both');
    const s = await state();
    // a's request and input left with its headers, b left entirely, c came in
    assert.deepEqual(s.cls.inFlight, { requests: 1, inputTokens: 1, outputTokens: a!.outputTokens + c.outputTokens });
  });

  it('settlements queued while the store is out of reach land once, in order, when it is back; an observe is dropped', async () => {
    const { store, limiter, state } = setup();
    const [a, b, c] = await admitMany(limiter, 3);
    store.down = true;
    await limiter.observe!(a!, heard); // dropped: a stays unheard, its settlement brings the headers
    await limiter.settle(b!, { outcome: 'not_sent' });
    await limiter.settle(a!, { outcome: 'completed', usage: usage(10, 1), headers: heard });
    assert.equal((await limiter.admit(demand(1, 1))).admitted, false, 'admits wait while settlements cannot land');
    store.down = false;
    store.loseNextReply = true;
    // its update carries b, a and c: it lands, but the limiter hears it did not and keeps them queued
    await limiter.settle(c!, { outcome: 'not_sent' });
    const d = permitOf(await limiter.admit(demand(5, 5)));
    const s = await state();
    assert.deepEqual(s.cls.inFlight, { requests: 1, inputTokens: d.inputTokens, outputTokens: d.outputTokens }, 'each left flight once');
    assert.equal(
      Object.values(s.leases).reduce((n, x) => n + x.count, 0),
      1,
      'a, b and c left their bucket once each, though their update ran twice',
    );
  });

  it('a queued settlement that throws fails only its own caller, and nothing it did halfway is kept', async () => {
    const { limiter, state } = setup();
    const [a, b] = await admitMany(limiter, 2);
    // no usage: it throws midway, after taking the permit out of its bucket
    const bad = { outcome: 'completed' } as unknown as Parameters<typeof limiter.settle>[1];
    const results = await Promise.allSettled([limiter.settle(a!, bad), limiter.settle(b!, { outcome: 'not_sent' })]);
    assert.equal(results[0]!.status, 'rejected');
    assert.equal(results[1]!.status, 'fulfilled');
    const s = await state();
    assert.equal(
      Object.values(s.leases).reduce((n, x) => n + x.count, 0),
      1,
      'b left, a is still held',
    );
    assert.deepEqual(s.cls.inFlight, { requests: 1, inputTokens: a!.inputTokens, outputTokens: a!.outputTokens });
  });
});
