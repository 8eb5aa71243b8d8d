import assert from 'node:assert/strict';
import { STATE_SCHEMA, type SharedClassState } from '../../../src/core/limiter/shared-state';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import { FakeClock } from '../../support/fake-clock';
import { AsyncStore } from './async-store';
import { demand, headers, limits, makeLimiter, permitOf, usage, waitOf } from './helpers';

const KEY = `limiter:v${STATE_SCHEMA}:sonnet`;

describe('limiter leases and shared state', () => {
  it('a permit never settled stops counting as in flight once its lease lapses', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    const { limiter } = makeLimiter(limits(600), { clock, store, leaseMs: 10_000 });
    permitOf(await limiter.admit(demand(100, 50)));
    const held = await store.read<SharedClassState>(KEY);
    assert.equal(Object.keys(held.state!.leases).length, 1);
    assert.equal(held.state!.cls.inFlight.inputTokens, 100);
    await clock.advance(10_001);
    permitOf(await limiter.admit(demand(1, 1)));
    const after = (await store.read<SharedClassState>(KEY)).state!;
    assert.equal(after.cls.inFlight.inputTokens, 1, 'the lapsed lease released its 100 tokens; the new one holds 1');
    assert.equal(Object.keys(after.leases).length, 1);
  });

  it('settling removes the lease; settling again, or after the lease lapsed, refunds nothing', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    const { limiter } = makeLimiter(limits(60), { clock, store, leaseMs: 5_000 });
    const p = permitOf(await limiter.admit(demand()));
    await limiter.settle(p, { outcome: 'not_sent' }); // refunds the request
    permitOf(await limiter.admit(demand()));
    const q = (await store.read<SharedClassState>(KEY)).state!;
    await limiter.settle(p, { outcome: 'not_sent' }); // second settlement: no second refund
    assert.equal(waitOf(await limiter.admit(demand())).blockedBy, 'requests');
    assert.equal(Object.keys(q.leases).length, 1);
  });

  it('permit ids come from the shared state: two limiters on one store never hand out the same id', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    const a = makeLimiter(limits(6_000), { clock, store }).limiter;
    const b = makeLimiter(limits(6_000), { clock, store }).limiter;
    const ids = new Set<number>();
    for (let i = 0; i < 10; i++) ids.add(permitOf(await (i % 2 ? a : b).admit(demand())).id);
    assert.equal(ids.size, 10);
  });

  it('counts the processes seen recently and says so in the snapshot of a shared store', async () => {
    const clock = new FakeClock(0);
    const shared = new AsyncStore(new MemoryStore(clock));
    const a = makeLimiter(limits(6_000), { clock, store: shared }).limiter;
    const b = makeLimiter(limits(6_000), { clock, store: shared }).limiter;
    permitOf(await a.admit(demand()));
    permitOf(await b.admit(demand()));
    assert.deepEqual((await a.snapshot('sonnet')).sharing, { scope: 'local', processes: 2, reachable: true });
    await clock.advance(31_000);
    permitOf(await a.admit(demand()));
    assert.equal((await a.snapshot('sonnet')).sharing?.processes, 1, 'b was not seen for over 30 s');
    assert.equal((await makeLimiter(limits(60), { clock }).limiter.snapshot('sonnet')).sharing, undefined);
  });

  it('takes time from the store: a limiter whose clock runs an hour ahead refills nothing extra', async () => {
    const storeClock = new FakeClock(0);
    const store = new AsyncStore(new MemoryStore(storeClock));
    const ahead = makeLimiter(limits(60), { clock: new FakeClock(3_600_000), store }).limiter;
    const onTime = makeLimiter(limits(60), { clock: storeClock, store }).limiter;
    permitOf(await onTime.admit(demand()));
    assert.equal(waitOf(await ahead.admit(demand())).blockedBy, 'requests');
  });

  it('store out of reach: admits wait (blockedBy store) and settlements queue, in order, until it is back', async () => {
    const clock = new FakeClock(0);
    const store = new AsyncStore(new MemoryStore(clock));
    const { limiter } = makeLimiter(limits(60, 1e9, 1e9), { clock, store, storeRetryMs: 250 });
    const p = permitOf(await limiter.admit(demand(100, 10)));
    store.down = true;
    assert.deepEqual(waitOf(await limiter.admit(demand())), { waitMs: 250, blockedBy: 'store' });
    await limiter.settle(p, { outcome: 'completed', usage: usage(100, 10) });
    const snap = await limiter.snapshot('sonnet');
    assert.equal(snap.sharing?.reachable, false);
    assert.equal(snap.sharing?.unreachableSince, 0);
    assert.match(snap.sharing?.problem ?? '', /cannot write: EIO/);
    store.down = false;
    await clock.advance(1_000); // one request per second at 60 RPM
    permitOf(await limiter.admit(demand()));
    const state = (await store.read<SharedClassState>(KEY)).state!;
    assert.equal(Object.keys(state.leases).length, 1, 'the queued settlement was applied before the next admit');
    assert.equal(state.cls.outputMean, 10);
    assert.equal((await limiter.snapshot('sonnet')).sharing?.reachable, true);
  });

  it('a state it cannot read as its own (another schema, damage) is rebuilt, never trusted', async () => {
    const clock = new FakeClock(0);
    const store = new AsyncStore(new MemoryStore(clock));
    await store.inner.update(KEY, () => ({ state: { schema: 0, cls: { levels: 'garbage' } }, result: undefined }));
    const { limiter } = makeLimiter(limits(60), { clock, store });
    permitOf(await limiter.admit(demand()));
    assert.equal((await store.read<SharedClassState>(KEY)).state!.schema, STATE_SCHEMA);
  });

  describe('learning on a shared store (heard: the admitting process knows, its bucket holds less)', () => {
    const heard = (rpm: number, remaining: number) =>
      headers({ 'anthropic-ratelimit-requests-limit': rpm, 'anthropic-ratelimit-requests-remaining': remaining });

    it('a guessed class probes once across processes; headers observed by one free the others', async () => {
      const clock = new FakeClock(0);
      const shared = new MemoryStore(clock);
      const a = makeLimiter(limits(1000), { clock, store: new AsyncStore(shared), limitsAssumed: () => true }).limiter;
      const b = makeLimiter(limits(1000), { clock, store: new AsyncStore(shared), limitsAssumed: () => true }).limiter;
      const probe = permitOf(await a.admit(demand()));
      assert.equal(waitOf(await b.admit(demand())).blockedBy, 'learning', 'the other process waits for the probe');
      await clock.advance(100);
      await a.observe!(probe, heard(600, 599));
      const [bucket] = Object.values((await shared.read<SharedClassState>(KEY)).state!.leases);
      assert.equal(bucket!.outstanding.requests, 0, 'its bucket no longer holds its request');
      assert.equal(
        (await shared.read<SharedClassState>(KEY)).state!.cls.inFlight.requests,
        0,
        'counted by the server: no longer in flight',
      );
      permitOf(await b.admit(demand()));
      assert.equal((await b.snapshot('sonnet')).limits.requestsPerMinute, 600);
      assert.equal((await b.snapshot('sonnet')).throttle, undefined);
    });

    it('observing twice, or after settling, changes nothing; the settlement then skips the stale headers', async () => {
      const clock = new FakeClock(0);
      const shared = new MemoryStore(clock);
      const store = new AsyncStore(shared);
      const { limiter } = makeLimiter(limits(600), { clock, store });
      const p = permitOf(await limiter.admit(demand(100, 50)));
      await limiter.observe!(p, heard(600, 599));
      const before = (await shared.read<SharedClassState>(KEY)).state!.cls;
      await limiter.observe!(p, heard(600, 599));
      assert.deepEqual((await shared.read<SharedClassState>(KEY)).state!.cls.inFlight, before.inFlight, 'a second observe is ignored');
      // Completion headers claiming far less room would lower the bucket if applied: they are this
      // response's, already read at stream start, so they are not applied again.
      await limiter.settle(p, { outcome: 'completed', usage: usage(100, 50), headers: heard(600, 1) });
      const after = (await shared.read<SharedClassState>(KEY)).state!;
      assert.deepEqual(after.leases, {}, 'its bucket went with its only permit');
      assert.deepEqual(
        after.cls.inFlight,
        { requests: 0, inputTokens: 0, outputTokens: 0 },
        'heard input and request are not released twice',
      );
      assert.equal(after.cls.server.requests?.remaining, 599, 'the completion did not apply the headers read at stream start again');
      await limiter.observe!(p, heard(600, 0));
      assert.equal(
        (await shared.read<SharedClassState>(KEY)).state!.cls.server.requests?.remaining,
        599,
        'observe after settling is ignored',
      );
    });

    it('a store out of reach drops the early headers; the settlement applies them instead', async () => {
      const clock = new FakeClock(0);
      const shared = new MemoryStore(clock);
      const store = new AsyncStore(shared);
      const { limiter } = makeLimiter(limits(1000), { clock, store, limitsAssumed: () => true });
      const probe = permitOf(await limiter.admit(demand()));
      store.down = true;
      await limiter.observe!(probe, heard(600, 599));
      store.down = false;
      assert.equal((await shared.read<SharedClassState>(KEY)).state!.cls.inFlight.requests, 1, 'still unheard: its request is in flight');
      await limiter.settle(probe, { outcome: 'completed', usage: usage(100, 50), headers: heard(600, 598) });
      const snap = await limiter.snapshot('sonnet');
      assert.equal(snap.limits.requestsPerMinute, 600);
      assert.equal(snap.throttle, undefined);
    });
  });
});
