import assert from 'node:assert/strict';
import { startDeadline } from '../../../src/core/api/request-deadline';
import { FakeClock } from '../../support/fake-clock';

describe('request deadline', () => {
  it('aborts after the given silence and says it expired', async () => {
    const clock = new FakeClock();
    const d = startDeadline(clock, 100);
    await clock.advance(99);
    assert.equal(d.signal.aborted, false);
    await clock.advance(1);
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, true);
  });

  it('touch() restarts the countdown', async () => {
    const clock = new FakeClock();
    const d = startDeadline(clock, 100);
    await clock.advance(80);
    d.touch();
    await clock.advance(80);
    assert.equal(d.signal.aborted, false);
    await clock.advance(20);
    assert.equal(d.expired, true);
  });

  it("follows the caller's abort without calling it an expiry, and stops its timer", async () => {
    const clock = new FakeClock();
    const parent = new AbortController();
    const d = startDeadline(clock, 100, parent.signal);
    parent.abort(new Error('user'));
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, false);
    assert.equal(clock.pendingTimers, 0);
    d.touch();
    assert.equal(clock.pendingTimers, 0, 'an aborted deadline does not re-arm');
  });

  it('starts aborted when the caller already aborted', () => {
    const parent = new AbortController();
    parent.abort();
    const d = startDeadline(new FakeClock(), 100, parent.signal);
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, false);
  });

  it('dispose() stops the timer and unhooks the parent signal', async () => {
    const clock = new FakeClock();
    const parent = new AbortController();
    const d = startDeadline(clock, 100, parent.signal);
    d.dispose();
    assert.equal(clock.pendingTimers, 0);
    parent.abort();
    await clock.advance(200);
    assert.equal(d.signal.aborted, false);
  });
});
