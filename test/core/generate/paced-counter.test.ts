import assert from 'node:assert/strict';
import type { ModelCaller } from '../../../src/core/api/types';
import { ForgeError } from '../../../src/core/errors';
import { pacedCounter } from '../../../src/core/generate/estimate/paced-counter';
import { createRateLimiter } from '../../../src/core/limiter';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import type { LimiterStore } from '../../../src/core/limiter/store';
import { countTokensLimits } from '../../../src/core/models/tiers';
import { FakeClock } from '../../support/fake-clock';

const RPM = 600;

/** A count_tokens endpoint that records when each call reached it. */
function recordingCaller(clock: FakeClock, fail?: (n: number) => Error | undefined) {
  const at: number[] = [];
  const caller: Pick<ModelCaller, 'countTokens'> = {
    countTokens: async () => {
      at.push(clock.now());
      const e = fail?.(at.length);
      if (e) throw e;
      return 100;
    },
  };
  return { caller, at };
}

function counterOn(store: LimiterStore, clock: FakeClock, caller: Pick<ModelCaller, 'countTokens'>) {
  const limiter = createRateLimiter({
    clock,
    store,
    keyPrefix: 'count-tokens:',
    outputAccounting: 'actual',
    limits: () => ({ requestsPerMinute: RPM, inputTokensPerMinute: 1e12, outputTokensPerMinute: 1e12 }),
  });
  return pacedCounter(caller, limiter, clock);
}

const request = { model: 'claude-haiku-5-5', messages: [{ role: 'user' as const, content: 'hi' }] };

/** Two "processes" each counting `n` samples one after another (firstRequestTokens counts a few at a time; pacing is the same). */
async function twoProcesses(clock: FakeClock, stores: [LimiterStore, LimiterStore], n: number) {
  const { caller, at } = recordingCaller(clock);
  const counters = stores.map((s) => counterOn(s, clock, caller));
  let done = 0;
  for (const c of counters) {
    void (async () => {
      for (let i = 0; i < n; i++) await c.countTokens(request);
      done++;
    })();
  }
  await clock.runUntil(() => done === 2, 60_000);
  return at;
}

function mostInOneSecond(at: readonly number[]): number {
  let most = 0;
  for (const t of at) most = Math.max(most, at.filter((u) => u >= t && u < t + 1000).length);
  return most;
}

describe('pacedCounter: count_tokens paced on a shared budget', () => {
  it('two processes on one store keep to one RPM together; on separate stores each takes it all', async () => {
    const perSecond = RPM / 60;
    const shared = new FakeClock(0);
    const one = new MemoryStore(shared);
    const together = await twoProcesses(shared, [one, one], 30);
    const apart = new FakeClock(0);
    const separate = await twoProcesses(apart, [new MemoryStore(apart), new MemoryStore(apart)], 30);
    assert.equal(together.length, 60);
    assert.equal(separate.length, 60);
    // A bucket of one second's refill (less the transit allowance), then the rate.
    assert.ok(mostInOneSecond(together) <= 2 * perSecond, `shared: ${mostInOneSecond(together)} in one second`);
    assert.ok(mostInOneSecond(separate) > 2 * perSecond, `separate: ${mostInOneSecond(separate)} in one second`);
    const span = (at: number[]) => at.at(-1)! - at[0]!;
    assert.ok(span(together) >= 1.8 * span(separate), `${span(together)} ms shared vs ${span(separate)} ms apart`);
  });

  it("a 429's retry-after pauses every process on the store, and the error still reaches the caller", async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    const a = recordingCaller(clock, (n) => (n === 1 ? new ForgeError('rate_limited', '429', { retryAfterMs: 5000 }) : undefined));
    const b = recordingCaller(clock);
    const counterA = counterOn(store, clock, a.caller);
    const counterB = counterOn(store, clock, b.caller);
    await assert.rejects(counterA.countTokens(request), /429/);
    let counted: number | undefined;
    void counterB.countTokens(request).then((n) => (counted = n));
    await clock.advance(4900);
    assert.equal(b.at.length, 0, 'the other process waits out the pause');
    await clock.runUntil(() => counted !== undefined, 10_000);
    assert.equal(counted, 100);
    assert.ok(b.at[0]! >= 5000, `sent at ${b.at[0]} ms`);
  });

  it('another failure is passed on and holds nothing back', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    const { caller, at } = recordingCaller(clock, (n) => (n === 1 ? new ForgeError('auth', 'bad key') : undefined));
    const counter = counterOn(store, clock, caller);
    await assert.rejects(counter.countTokens(request), /bad key/);
    assert.equal(await counter.countTokens(request), 100);
    assert.deepEqual(at, [0, 0]);
  });

  it('count_tokens limits follow the tier, tokens unbounded', () => {
    assert.equal(countTokensLimits({}).requestsPerMinute, 2_000);
    assert.equal(countTokensLimits({ tier: 'scale' }).requestsPerMinute, 8_000);
    assert.equal(countTokensLimits({ tier: 'build', rpm: 50 }).requestsPerMinute, 4_000, "--rpm is the Messages API's");
    assert.ok(countTokensLimits({}).inputTokensPerMinute > 1e9);
  });
});
