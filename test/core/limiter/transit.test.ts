import assert from 'node:assert/strict';
import { TwoWindowLimit } from '../../../src/sim/two-window-limit';
import { dispatchUntil, limits, makeLimiter } from './helpers';

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

  it('is validated like every option', () => {
    assert.throws(() => makeLimiter(limits(60), { transitAllowanceMs: 600 }), {
      message: 'Expected `transitAllowanceMs` to be a number from 0 to 500, got `600` (number)',
    });
  });
});
