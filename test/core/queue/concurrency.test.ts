import assert from 'node:assert/strict';
import { ConcurrencyController } from '../../../src/core/queue/concurrency';

const LIMITS = { requestsPerMinute: 1200, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 };

describe('ConcurrencyController across model classes', () => {
  it('sizes for the sum of the rates the busy classes allow, since each class has limits of its own', () => {
    const c = new ConcurrencyController({ max: 100, initial: 4 });
    c.observe({ latencyMs: 1000, inputTokens: 100, outputTokens: 100 }, 0);
    c.observeLimits([LIMITS]);
    // 20 requests/s x 1 s x 1.25 headroom.
    assert.equal(c.target, 25);
    c.observeLimits([LIMITS, { ...LIMITS, requestsPerMinute: 600 }]);
    assert.equal(c.target, Math.ceil(30 * 1.25));
    // No busy class tells nothing new: the last limits stand.
    c.observeLimits([]);
    assert.equal(c.target, 38);
  });
});

describe('ConcurrencyController ramp', () => {
  const sample = (latencyMs: number) => ({ latencyMs, inputTokens: 100, outputTokens: 100 });

  it('before any latency is known, doubles every 250 ms while slot-bound, up to the user maximum', () => {
    const c = new ConcurrencyController({ max: 40, initial: 4 });
    // The first call starts the interval: the initial value gets 250 ms of its own.
    assert.equal(c.slotBound(0), 250);
    assert.equal(c.current, 4);
    assert.equal(c.slotBound(100), 150);
    assert.equal(c.current, 4);
    const seen: number[] = [];
    for (let t = 250; t <= 1000; t += 250) {
      c.slotBound(t);
      seen.push(c.current);
    }
    assert.deepEqual(seen, [8, 16, 32, 40]);
    // At the ceiling there is nothing to wait for.
    assert.equal(c.slotBound(2000), undefined);
  });

  it("once latency is measured, grows towards the Little's-law target (at most doubling) and drops to it at once", () => {
    const c = new ConcurrencyController({ max: 64, initial: 4 });
    c.observeLimits([{ ...LIMITS, requestsPerMinute: 600 }]);
    c.observe(sample(3000), 0);
    // 10 requests/s x 3 s x 1.25 = 38 slots; from 4 that is 4 -> 8 -> 16 -> 32 -> 38 in 1 s.
    assert.equal(c.target, 38);
    const seen: number[] = [];
    for (let t = 250; t <= 1250; t += 250) {
      c.slotBound(t);
      seen.push(c.current);
    }
    assert.deepEqual(seen, [8, 16, 32, 38, 38]);
    assert.equal(c.slotBound(1500), undefined, 'no timer once at the target');
    // Completions grow it too, and a shorter latency lowers it at once.
    for (let i = 0; i < 30; i++) c.observe(sample(1000), 2000 + i);
    assert.equal(c.current, c.target);
    assert.ok(c.current <= 13, `${c.current}`);
  });

  it('the old ramp took over 24 s from 4 to 38 slots; this one takes 1 s', () => {
    const c = new ConcurrencyController({ max: 64, initial: 4 });
    c.observeLimits([{ ...LIMITS, requestsPerMinute: 600 }]);
    c.observe(sample(3000), 0);
    let t = 0;
    while (c.current < 38 && t < 60_000) c.observe(sample(3000), (t += 50));
    assert.ok(t <= 1000, `reached ${c.current} at ${t} ms`);
  });

  it('once a request is accepted and before any latency, the value is one second of requests at the known limits', () => {
    const c = new ConcurrencyController({ max: 5000, initial: 4 });
    // Limits alone do not lift it: until a response begins, the key or the model may be wrong.
    assert.equal(c.observeLimits([{ ...LIMITS, requestsPerMinute: 10_000 }]), false);
    assert.equal(c.current, 4);
    assert.equal(c.accepted(), true);
    assert.equal(c.current, 167);
    assert.equal(c.accepted(), false, 'only the first acceptance is news');
    // Two busy classes: their rates add up.
    assert.equal(c.observeLimits([LIMITS, { ...LIMITS, requestsPerMinute: 10_000 }]), true);
    assert.equal(c.current, 187);
    // Never lowers it: lower limits leave the value alone.
    assert.equal(c.observeLimits([{ ...LIMITS, requestsPerMinute: 60 }]), false);
    assert.equal(c.current, 187);
    // The user's maximum wins.
    const capped = new ConcurrencyController({ max: 50, initial: 4 });
    capped.observeLimits([{ ...LIMITS, requestsPerMinute: 10_000 }]);
    capped.accepted();
    assert.equal(capped.current, 50);
    // Accepted before any limits are known: the limits lift it when they come.
    const early = new ConcurrencyController({ max: 5000, initial: 4 });
    early.accepted();
    assert.equal(early.current, 4);
    assert.equal(early.observeLimits([{ ...LIMITS, requestsPerMinute: 2400 }]), true);
    assert.equal(early.current, 40);
  });

  it('does not lift the value once latency is known, after an acceleration limit, or while short of CPU', () => {
    const tenK = [{ ...LIMITS, requestsPerMinute: 10_000 }];
    const measured = new ConcurrencyController({ max: 5000, initial: 4 });
    measured.observe(sample(100), 0);
    measured.accepted();
    assert.equal(measured.observeLimits(tenK), false);
    const halved = new ConcurrencyController({ max: 5000, initial: 32 });
    halved.onAccelerationLimit(0);
    halved.accepted();
    // Still not after the hold: the halving was the server's word; the ramp may regrow it.
    assert.equal(halved.observeLimits(tenK), false);
    assert.equal(halved.current, 16);
    const busy = new ConcurrencyController({ max: 5000, initial: 4, overloaded: () => true });
    busy.accepted();
    assert.equal(busy.observeLimits(tenK), false);
    assert.equal(busy.current, 4);
  });

  it('an acceleration limit halves the value and holds it for accelerationHoldMs, then the ramp resumes', () => {
    const c = new ConcurrencyController({ max: 64, initial: 32 });
    c.onAccelerationLimit(1000);
    assert.equal(c.current, 16);
    assert.equal(c.slotBound(1000), 8000);
    c.slotBound(8999);
    assert.equal(c.current, 16);
    c.slotBound(9000);
    assert.equal(c.current, 32);
  });
});
