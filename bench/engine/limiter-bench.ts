import type { Clock, TimerHandle } from '../../src/core/clock';
import { createRateLimiter } from '../../src/core/limiter';

/**
 * The limiter's admit decision on a manual clock: admit + settle pairs per second of CPU, with limits
 * high enough that every admit succeeds (the hot path of a running queue).
 */
export interface LimiterResult {
  readonly pairs: number;
  readonly pairsPerSec: number;
  /** A refused admit (blocked by a bucket) is the other common path. */
  readonly refusalsPerSec: number;
}

class ManualClock implements Clock {
  t = Date.UTC(2026, 0, 1);
  now(): number {
    return this.t;
  }
  setTimeout(): TimerHandle {
    return { id: 0 };
  }
  clearTimeout(): void {}
}

export async function benchLimiter(pairs: number): Promise<LimiterResult> {
  const clock = new ManualClock();
  const limiter = createRateLimiter({
    clock,
    limits: () => ({ requestsPerMinute: 1e12, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
  });
  const usage = { inputTokens: 500, outputTokens: 200, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  const demand = { modelClass: 'haiku', inputTokens: 500, maxTokens: 1024, expectedOutputTokens: 200 };
  const t0 = performance.now();
  for (let i = 0; i < pairs; i++) {
    clock.t += 1;
    const d = await limiter.admit(demand);
    if (!d.admitted) throw new Error('benchmark limits too low: an admit was refused');
    await limiter.settle(d.permit, { outcome: 'completed', usage });
  }
  const t1 = performance.now();

  const tight = createRateLimiter({
    clock,
    limits: () => ({ requestsPerMinute: 1, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
  });
  await tight.admit(demand); // empties the one-request bucket
  const refusals = Math.max(1000, Math.floor(pairs / 2));
  const t2 = performance.now();
  for (let i = 0; i < refusals; i++) {
    const d = await tight.admit(demand);
    if (d.admitted) throw new Error('expected a refusal');
  }
  const t3 = performance.now();
  return { pairs, pairsPerSec: pairs / ((t1 - t0) / 1000), refusalsPerSec: refusals / ((t3 - t2) / 1000) };
}
