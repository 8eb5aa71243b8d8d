import assert from 'node:assert/strict';
import { TwoWindowLimit } from '../../../src/sim/two-window-limit';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import { FakeClock } from '../../support/fake-clock';
import { demand, dispatchUntil, limits, makeLimiter } from './helpers';

// A request reaches the server after it is admitted. While the server's short bucket is full it
// loses that time's refill; the limiter's bucket does not. The transit allowance keeps the bucket
// that much smaller than one second of refill. These tests replay admissions into the simulator's
// own two-window limit (1 s window, as documented) with the arrival delays measured in bench runs.

/** 429s the server's 1 s window gives to these admissions if those before `stallUntil` all arrive then. */
function refusalsWithStall(times: readonly number[], rpm: number, stallUntil: number): number {
  const server = new TwoWindowLimit(rpm, 1, 0);
  let refused = 0;
  for (const arrival of times.map((t) => Math.max(t, stallUntil)).sort((a, b) => a - b)) {
    if (server.waitFor(1, arrival) > 0) refused++;
    else server.take(1, arrival);
  }
  return refused;
}

describe('limiter transit allowance', () => {
  it('by default the bucket holds paceSeconds less 100 ms of refill: 1,200 RPM at 98 % bursts 17, not 19', async () => {
    const { clock, limiter } = makeLimiter(limits(1200), { safetyMargin: 0.98, transitAllowanceMs: undefined });
    const times = await dispatchUntil(clock, limiter, 1);
    // 19.6 a second x 0.9 s = 17.64
    assert.equal(times.length, 17);
  });

  it('an 80 ms start-up stall trips a 1 s server window without it, and not with it', async () => {
    const pace = async (transitAllowanceMs: number) => {
      const { clock, limiter } = makeLimiter(limits(1200), { safetyMargin: 0.98, transitAllowanceMs });
      return refusalsWithStall(await dispatchUntil(clock, limiter, 5000), 1200, 80);
    };
    assert.ok((await pace(0)) > 0, 'without the allowance the server refuses some');
    assert.equal(await pace(100), 0);
  });

  describe('grows with the lag measured on the event loop', () => {
    const burst = async (lag: number, transitAllowanceMs?: number) => {
      const { clock, limiter } = makeLimiter(limits(1200), { safetyMargin: 0.98, transitAllowanceMs, loopLagMs: () => lag });
      return (await dispatchUntil(clock, limiter, 1)).length;
    };

    it('a lag within the configured allowance changes nothing', async () => {
      assert.equal(await burst(80, 100), 17);
      assert.equal(await burst(0, 100), 17);
    });

    it('a lag beyond it takes its place: 300 ms of lag leaves 0.7 s of refill in the bucket', async () => {
      // 19.6 a second x 0.7 s = 13.72
      assert.equal(await burst(300, 100), 13);
    });

    it('never takes more than half of paceSeconds', async () => {
      // 19.6 a second x 0.5 s = 9.8
      assert.equal(await burst(5_000, 100), 9);
    });

    it('a 300 ms stall trips a 1 s server window with the fixed allowance, and not with the lag measured', async () => {
      const pace = async (lag: number) => {
        const { clock, limiter } = makeLimiter(limits(1200), { safetyMargin: 0.98, transitAllowanceMs: 100, loopLagMs: () => lag });
        return refusalsWithStall(await dispatchUntil(clock, limiter, 5000), 1200, 300);
      };
      assert.ok((await pace(0)) > 0, 'with 100 ms the server refuses some');
      assert.equal(await pace(300), 0);
    });

    it('processes sharing one state all pace for the worst lag among them', async () => {
      const clock = new FakeClock(0);
      const store = new MemoryStore(clock);
      const quiet = makeLimiter(limits(1200), { clock, store, safetyMargin: 0.98, transitAllowanceMs: 100, loopLagMs: () => 0 });
      const busy = makeLimiter(limits(1200), { clock, store, safetyMargin: 0.98, transitAllowanceMs: 100, loopLagMs: () => 300 });
      // The busy one touches the state first, so the quiet one's burst is the shared bucket's.
      assert.ok((await busy.limiter.admit(demand())).admitted);
      let quietAdmitted = 1;
      while ((await quiet.limiter.admit(demand())).admitted) quietAdmitted++;
      assert.equal(quietAdmitted, 13, 'the shared bucket holds 0.7 s of refill for both');
      // The busy process goes away: once it is no longer counted as sharing, neither is its lag.
      await clock.advance(36_000);
      assert.equal((await dispatchUntil(clock, quiet.limiter, clock.now() + 1)).length, 17);
    });

    it('the lag is forgotten once it falls back within the allowance', async () => {
      let lag = 300;
      const { clock, limiter } = makeLimiter(limits(1200), { safetyMargin: 0.98, transitAllowanceMs: 100, loopLagMs: () => lag });
      assert.equal((await dispatchUntil(clock, limiter, 1)).length, 13);
      lag = 50;
      await clock.advance(5_000);
      const again = await dispatchUntil(clock, limiter, clock.now() + 1);
      assert.equal(again.length, 17);
    });
  });

  it('is validated like every option', () => {
    assert.throws(() => makeLimiter(limits(60), { transitAllowanceMs: 600 }), {
      message: 'Expected `transitAllowanceMs` to be a number from 0 to 500, got `600` (number)',
    });
  });
});
