import assert from 'node:assert/strict';
import { estimateRun } from '../../../src/core/generate/estimate';
import { sleep } from '../../../src/core/clock';
import { ForgeError } from '../../../src/core/errors';
import type { Usage } from '../../../src/core/usage';
import { FakeCaller } from '../../support/fake-caller';
import { FakeClock } from '../../support/fake-clock';
import { specOf } from './strategies/fixtures';

const priceOf = (_m: string, u: Usage) => (u.inputTokens + 5 * u.outputTokens) / 1e6;
const limits = () => ({ requestsPerMinute: 1000, inputTokensPerMinute: 1e6, outputTokensPerMinute: 1e6 });
const specs = Array.from({ length: 30 }, (_, i) => specOf({ id: `s-${i}`, index: i, turns: 4 }));

describe('estimateRun when count_tokens is rate-limited', () => {
  it('waits out retry-after and counts every sample', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const caller = new FakeCaller([], () => {
      calls++;
      if (calls === 3) throw new ForgeError('rate_limited', 'count_tokens 429', { retryAfterMs: 2000 });
      return 500;
    });
    let done = false;
    const p = estimateRun({ specs, caller, priceOf, limits, clock }).then((e) => ((done = true), e));
    await clock.advance(1999);
    assert.equal(done, false, 'still waiting out the 429');
    await clock.advance(1);
    const est = await p;
    assert.equal(est.perFile[0]!.countedSamples, 20);
    assert.equal(est.perFile[0]!.approximate, false);
    assert.equal(calls, 21, '20 samples + the one refused');
  });

  it('falls back to a labelled approximation when count_tokens keeps refusing', async () => {
    const clock = new FakeClock(0);
    const caller = new FakeCaller([], () => {
      throw new ForgeError('rate_limited', 'count_tokens 429', { retryAfterMs: 1000 });
    });
    const p = estimateRun({ specs, caller, priceOf, limits, clock });
    await clock.runUntil(() => false, 60_000);
    const est = await p;
    assert.equal(est.perFile[0]!.approximate, true);
    assert.equal(est.perFile[0]!.countedSamples, 0);
    assert.ok(est.inputTokens > 0);
    assert.match(est.explanation, /input tokens approximated \(count_tokens was unavailable\)/);
  });

  it('an authentication failure is not retried: it fails the estimate', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const caller = new FakeCaller([], () => {
      calls++;
      throw new ForgeError('auth', 'bad key');
    });
    await assert.rejects(estimateRun({ specs, caller, priceOf, limits, clock }), /bad key/);
    assert.equal(calls, 1);
  });

  it('counts the first sample alone, then the rest at once: 20 samples take 2 round trips, not 20', async () => {
    const clock = new FakeClock(0);
    let inFlight = 0;
    const seen: number[] = [];
    const caller = new FakeCaller();
    caller.countTokens = async () => {
      seen.push(++inFlight);
      await sleep(clock, 100);
      inFlight--;
      return 500;
    };
    let done = false;
    const p = estimateRun({ specs, caller, priceOf, limits, clock }).then((e) => ((done = true), e));
    await clock.advance(199);
    assert.equal(done, false);
    await clock.advance(1);
    assert.equal(done, true, 'one round trip, then one more for the other 19');
    const est = await p;
    assert.equal(est.perFile[0]!.countedSamples, 20);
    assert.equal(seen[0], 1, 'the first call goes alone');
    assert.equal(seen[1], 1, 'the others wait for it');
    assert.equal(Math.max(...seen), 19);
  });
});
