import type { Clock, TimerHandle } from '../../src/core/clock';
import { createRateLimiter } from '../../src/core/limiter';

/**
 * The admit decision on a manual clock: admit + settle pairs per second of CPU with limits high
 * enough that every admit succeeds (the hot path of a running queue), and refused admits per
 * second. Side by side, in the same run: the scheduling cost of bottleneck and p-queue for one
 * job each (a no-op task through their rate-limited scheduler, one at a time, as Forge admits).
 */
export interface LimiterResult {
  readonly pairs: number;
  readonly pairsPerSec: number;
  /** A refused admit (blocked by a bucket) is the other common path. */
  readonly refusalsPerSec: number;
  readonly bottleneckPerSec: number;
  readonly pQueuePerSec: number;
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

const noop = (): Promise<void> => Promise.resolve();

async function forgePairs(pairs: number): Promise<number> {
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
  return pairs / ((performance.now() - t0) / 1000);
}

async function forgeRefusals(count: number): Promise<number> {
  const clock = new ManualClock();
  const tight = createRateLimiter({
    clock,
    limits: () => ({ requestsPerMinute: 1, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
  });
  const demand = { modelClass: 'haiku', inputTokens: 500, maxTokens: 1024, expectedOutputTokens: 200 };
  await tight.admit(demand); // empties the one-request bucket
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const d = await tight.admit(demand);
    if (d.admitted) throw new Error('expected a refusal');
  }
  return count / ((performance.now() - t0) / 1000);
}

/** bottleneck with a reservoir (its rate check) that never runs out, no minTime: scheduling only. */
async function bottleneckJobs(jobs: number): Promise<number> {
  const { default: Bottleneck } = await import('bottleneck');
  const limiter = new Bottleneck({ reservoir: 1e12, minTime: 0, maxConcurrent: null });
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await limiter.schedule(noop);
  const rate = jobs / ((performance.now() - t0) / 1000);
  await limiter.stop({ dropWaitingJobs: true });
  return rate;
}

/** p-queue with an interval cap (its rate check) that is never reached: scheduling only. */
async function pQueueJobs(jobs: number): Promise<number> {
  const { default: PQueue } = await import('p-queue');
  const queue = new PQueue({ intervalCap: 1e9, interval: 60_000 });
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await queue.add(noop);
  const rate = jobs / ((performance.now() - t0) / 1000);
  queue.clear();
  return rate;
}

export async function benchLimiter(pairs: number): Promise<LimiterResult> {
  // Warm-up of every path first, so the measured runs compare like with like.
  await forgePairs(Math.min(10_000, pairs));
  await bottleneckJobs(2_000);
  await pQueueJobs(2_000);
  const pairsPerSec = await forgePairs(pairs);
  const refusalsPerSec = await forgeRefusals(Math.max(1000, Math.floor(pairs / 2)));
  // The others are slower per job: fewer jobs keep the run short, the rate is what counts.
  const bottleneckPerSec = await bottleneckJobs(Math.max(2_000, Math.floor(pairs / 10)));
  const pQueuePerSec = await pQueueJobs(Math.max(2_000, Math.floor(pairs / 4)));
  return { pairs, pairsPerSec, refusalsPerSec, bottleneckPerSec, pQueuePerSec };
}
