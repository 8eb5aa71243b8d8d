import assert from 'node:assert/strict';
import { TwoWindowLimit } from '../../src/sim/two-window-limit';

// 60 a minute, 6 s window: a minute bucket of 60 and a short bucket of 6, both refilling 1 a second.
describe('sim: TwoWindowLimit', () => {
  it('an amount bigger than the short bucket is admitted when it is full, and leaves it in debt', () => {
    const l = new TwoWindowLimit(60, 6, 0);
    assert.equal(l.waitFor(30, 0), 0);
    l.take(30, 0);
    assert.equal(l.remaining(0), 30);
    // the short bucket is at −24: 25 s until one more fits, 24 s until it is out of debt
    assert.equal(l.waitFor(1, 0), 25_000);
    assert.equal(l.waitForSolvency(0), 24_000);
    // bigger than the minute bucket: both must be full, the later of the two
    assert.equal(l.waitFor(100, 0), 30_000);
    assert.equal(l.msUntilFull(0), 30_000);
  });

  it('the minute bucket stays limit × (1 − burstSeconds/60) fuller than the short one', () => {
    const l = new TwoWindowLimit(60, 6, 0);
    l.take(6, 0);
    assert.equal(l.remaining(0), 54);
    assert.equal(l.waitFor(1, 0), 1000);
    assert.equal(l.fill(3000), 57 / 60);
    l.refund(10, 3000); // clamped: 6 of room in the short bucket, 60 in the minute one
    assert.equal(l.remaining(3000), 60);
    assert.equal(l.waitFor(6, 3000), 0);
  });

  it('a raised limit adds its room at once; a lowered one clamps both buckets', () => {
    const l = new TwoWindowLimit(60, 6, 0);
    l.take(6, 0);
    l.reconfigure(120, 6, 0);
    assert.equal(l.limit, 120);
    assert.equal(l.remaining(0), 114);
    assert.equal(l.waitFor(6, 0), 0); // the short bucket went from 0 of 6 to 6 of 12
    assert.equal(l.waitFor(7, 0), 500);
    l.reconfigure(10, 6, 0);
    assert.equal(l.remaining(0), 10);
    assert.equal(l.waitFor(1, 0), 0);
    l.take(1, 0);
    assert.equal(l.waitFor(1, 0), 6000);
  });
});
