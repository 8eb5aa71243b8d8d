import assert from 'node:assert/strict';
import { STATE_SCHEMA, type SharedClassState } from '../../../src/core/limiter/shared-state';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import type { AdmitDecision } from '../../../src/core/limiter/types';
import { FakeClock } from '../../support/fake-clock';
import { AsyncStore } from './async-store';
import { demand, limits, makeLimiter } from './helpers';

const KEY = `limiter:v${STATE_SCHEMA}:sonnet`;

/** A limiter at `rpm` on an AsyncStore (a shared store as the limiter sees it), counting updates. */
function shared(rpm: number) {
  const clock = new FakeClock(0);
  const store = new AsyncStore(new MemoryStore(clock));
  const { limiter } = makeLimiter(limits(rpm), { clock, store });
  const state = async () => (await store.inner.read<SharedClassState>(KEY)).state!;
  return { store, limiter, state };
}

/**
 * admitMany: one update of a shared store serves several launches (dispatch-loop.ts asks for the
 * head and the jobs behind it). It must decide exactly as admits one after another would.
 */
describe('limiter: admitMany on a shared store', () => {
  it('admits in order in one store update, deciding as admits one after another would', async () => {
    const batched = shared(6_000);
    const single = shared(6_000);
    const demands = [demand(10, 1), demand(20, 2), demand(30, 3), demand(40, 4)];
    const before = batched.store.updates;
    const many = await batched.limiter.admitMany!(demands);
    assert.equal(batched.store.updates - before, 1, 'one update for four admits');
    const one: AdmitDecision[] = [];
    for (const d of demands) one.push(await single.limiter.admit(d));
    assert.deepEqual(many, one);
    assert.deepEqual((await batched.state()).cls, (await single.state()).cls, 'the same state either way');
  });

  it('stops at the first refusal: it ends the list and nothing after it is admitted', async () => {
    // How many a fresh class admits at once, asked one at a time.
    const single = shared(60);
    let room = 0;
    while ((await single.limiter.admit(demand())).admitted) room++;
    assert.ok(room >= 1 && room < 20, `room for ${room}`);

    const batched = shared(60);
    const decisions = await batched.limiter.admitMany!(Array.from({ length: room + 5 }, () => demand()));
    assert.equal(decisions.length, room + 1);
    assert.ok(decisions.slice(0, room).every((d) => d.admitted));
    const last = decisions[room]!;
    assert.equal(last.admitted, false);
    assert.equal(!last.admitted && last.blockedBy, 'requests');
    assert.equal((await batched.state()).cls.inFlight.requests, room, 'the demands after the refusal hold nothing');
  });

  it('while the store is out of reach: one refusal that says so, nothing admitted', async () => {
    const { store, limiter } = shared(6_000);
    store.down = true;
    const decisions = await limiter.admitMany!([demand(), demand()]);
    assert.equal(decisions.length, 1);
    assert.equal(!decisions[0]!.admitted && decisions[0]!.blockedBy, 'store');
  });

  it('takes demands of one model class, and at least one', async () => {
    const { limiter } = shared(6_000);
    await assert.rejects(
      limiter.admitMany!([demand(), demand(0, 1, { modelClass: 'haiku' })]),
      /of one model class \(`sonnet`\), but one is `haiku`/,
    );
    await assert.rejects(limiter.admitMany!([]), /at least one/);
  });

  it('is not offered in memory, where an update costs no round trip', () => {
    assert.equal(makeLimiter(limits(6_000)).limiter.admitMany, undefined);
  });
});
