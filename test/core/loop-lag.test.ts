import assert from 'node:assert/strict';
import { LoopLag, type DelayHistogram } from '../../src/core/loop-lag';
import { eventLoopLoad } from '../../src/core/queue/machine-capacity';
import { FakeClock } from '../support/fake-clock';

/** A histogram whose p99 the test sets, in ms; counts its resets. */
class FakeHistogram implements DelayHistogram {
  p99Ms = 0;
  meanMs = 0;
  get mean(): number {
    return this.meanMs * 1e6;
  }
  count = 1;
  resets = 0;
  disabled = false;
  percentile(p: number): number {
    assert.equal(p, 99);
    return this.p99Ms * 1e6;
  }
  reset(): void {
    this.resets++;
  }
  disable(): void {
    this.disabled = true;
  }
}

describe('LoopLag', () => {
  const setup = () => {
    const clock = new FakeClock(0);
    const h = new FakeHistogram();
    return { clock, h, lag: new LoopLag(clock, h, { windowMs: 1_000, windows: 3 }) };
  };

  it('reads the histogram once per window: within one it answers what the last window said', async () => {
    const { clock, h, lag } = setup();
    h.p99Ms = 400;
    assert.equal(lag.lagMs(), 0, 'no window has ended yet');
    await clock.advance(999);
    assert.equal(lag.lagMs(), 0);
    assert.equal(h.resets, 0);
    await clock.advance(1);
    assert.equal(lag.lagMs(), 400);
    assert.equal(h.resets, 1);
    h.p99Ms = 10;
    await clock.advance(500);
    assert.equal(lag.lagMs(), 400, 'the window in progress is not read');
    assert.equal(h.resets, 1);
  });

  it('is the worst p99 of the last few windows, so a stall is remembered for a while and then forgotten', async () => {
    const { clock, h, lag } = setup();
    const seen: number[] = [];
    for (const p99 of [300, 20, 20, 20, 20]) {
      h.p99Ms = p99;
      await clock.advance(1_000);
      seen.push(lag.lagMs());
    }
    assert.deepEqual(seen, [300, 300, 300, 20, 20]);
  });

  it('a window with no samples counts as no lag', async () => {
    const { clock, h, lag } = setup();
    h.p99Ms = 9_999;
    h.count = 0;
    await clock.advance(1_000);
    assert.equal(lag.lagMs(), 0);
  });

  it('after a long silence the old windows no longer count', async () => {
    const { clock, h, lag } = setup();
    h.p99Ms = 500;
    await clock.advance(1_000);
    assert.equal(lag.lagMs(), 500);
    h.p99Ms = 30;
    await clock.advance(10_000);
    assert.equal(lag.lagMs(), 30);
  });

  it("the mean is the last ended window's, for the processor's load probe", async () => {
    const { clock, h, lag } = setup();
    const load = eventLoopLoad(50, () => lag);
    h.meanMs = 80;
    assert.equal(load.overloaded(), false, 'no window has ended yet');
    await clock.advance(1_000);
    assert.equal(lag.meanMs(), 80);
    assert.equal(load.overloaded(), true);
    h.meanMs = 20;
    await clock.advance(1_000);
    assert.equal(load.overloaded(), false, 'the mean is not remembered as the p99 is');
  });

  it('dispose stops the monitor', () => {
    const { h, lag } = setup();
    lag.dispose();
    assert.equal(h.disabled, true);
  });
});
