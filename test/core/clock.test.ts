import assert from 'node:assert/strict';
import { sleep } from '../../src/core/clock';
import { FakeClock } from '../support/fake-clock';

describe('clock', () => {
  it('fires fake timers in time order, not insertion order', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    clock.setTimeout(() => fired.push('c'), 300);
    await clock.advance(250);
    assert.deepEqual(fired, ['a', 'b']);
    assert.equal(clock.now(), 250);
    await clock.advance(50);
    assert.deepEqual(fired, ['a', 'b', 'c']);
  });

  it('sleep resolves when the fake clock reaches its deadline and not before', async () => {
    const clock = new FakeClock(0);
    let done = false;
    void sleep(clock, 1000).then(() => (done = true));
    await clock.advance(999);
    assert.equal(done, false);
    await clock.advance(1);
    assert.equal(done, true);
  });

  it('sleep rejects with the abort reason and clears its timer', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    const p = sleep(clock, 1000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(clock.pendingTimers, 0);
  });

  it('runUntil follows chains of timers that schedule more timers', async () => {
    const clock = new FakeClock(0);
    let n = 0;
    const tick = () => {
      n++;
      if (n < 5) clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    const elapsed = await clock.runUntil(() => n === 5);
    assert.equal(n, 5);
    assert.equal(elapsed, 50);
  });
});
