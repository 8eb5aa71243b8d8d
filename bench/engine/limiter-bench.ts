import type { Clock, TimerHandle } from '../../src/core/clock';
import { createRateLimiter } from '../../src/core/limiter';
import type { LimiterStore, UpdateFn } from '../../src/core/limiter/store';
import { MemoryStore } from '../../src/core/limiter/stores/memory-store';

/**
 * The admit decision on a manual clock: admit + settle pairs per second of CPU with limits high
 * enough that every admit succeeds (the hot path of a running queue), and refused admits per
 * second. Side by side, in the same run: the scheduling cost of bottleneck and p-queue for one
 * job each (a no-op task through their rate-limited scheduler, one at a time, as Forge admits).
 */
export interface LimiterResult {
  readonly pairs: number;
  /** After: the in-memory store's in-place path (median of the rounds). */
  readonly pairsPerSec: number;
  /** Before: the same limiter through the store's copying `update()` (median of the rounds, interleaved with the after rounds). */
  readonly beforePairsPerSec: number;
  readonly rounds: number;
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

/**
 * CPU time this process has used, in ms: rates are per second of CPU, not of wall time, so other
 * work on a shared machine slows neither side (a busy 2-core box made wall-time rates swing 3x
 * between runs of the same code). A timer wait (bottleneck's) costs no CPU and so is not counted.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The admit path before it was applied in place: the in-memory store without its `mutate`, so
 * every admit and settle goes through `update()`, which clones the class's state in and out (as
 * the store contract asks of a serializing store) behind a promise. The limiter, its transitions
 * and the loop are the same code as the after row: only the store path differs.
 */
class CopyingStore implements LimiterStore {
  readonly scope = 'process' as const;
  private readonly inner: MemoryStore;
  constructor(clock: Clock) {
    this.inner = new MemoryStore(clock);
  }
  read<T>(key: string): Promise<{ state: T | undefined; now: number }> {
    return this.inner.read<T>(key);
  }
  update<T, R>(key: string, fn: UpdateFn<T, R>): Promise<R> {
    return this.inner.update(key, fn);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

async function forgePairs(pairs: number, path: 'before' | 'after' = 'after'): Promise<number> {
  const clock = new ManualClock();
  const limiter = createRateLimiter({
    clock,
    limits: () => ({ requestsPerMinute: 1e12, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
    ...(path === 'before' ? { store: new CopyingStore(clock) } : {}),
  });
  const usage = { inputTokens: 500, outputTokens: 200, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  const demand = { modelClass: 'haiku', inputTokens: 500, maxTokens: 1024, expectedOutputTokens: 200 };
  const t0 = cpuMs();
  for (let i = 0; i < pairs; i++) {
    clock.t += 1;
    const d = await limiter.admit(demand);
    if (!d.admitted) throw new Error('benchmark limits too low: an admit was refused');
    await limiter.settle(d.permit, { outcome: 'completed', usage });
  }
  return pairs / ((cpuMs() - t0) / 1000);
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
  const t0 = cpuMs();
  for (let i = 0; i < count; i++) {
    const d = await tight.admit(demand);
    if (d.admitted) throw new Error('expected a refusal');
  }
  return count / ((cpuMs() - t0) / 1000);
}

/** bottleneck with a reservoir (its rate check) that never runs out, no minTime: scheduling only. */
async function bottleneckJobs(jobs: number): Promise<number> {
  const { default: Bottleneck } = await import('bottleneck');
  const limiter = new Bottleneck({ reservoir: 1e12, minTime: 0, maxConcurrent: null });
  const t0 = cpuMs();
  for (let i = 0; i < jobs; i++) await limiter.schedule(noop);
  const rate = jobs / ((cpuMs() - t0) / 1000);
  await limiter.stop({ dropWaitingJobs: true });
  return rate;
}

/** p-queue with an interval cap (its rate check) that is never reached: scheduling only. */
async function pQueueJobs(jobs: number): Promise<number> {
  const { default: PQueue } = await import('p-queue');
  const queue = new PQueue({ intervalCap: 1e9, interval: 60_000 });
  const t0 = cpuMs();
  for (let i = 0; i < jobs; i++) await queue.add(noop);
  const rate = jobs / ((cpuMs() - t0) / 1000);
  queue.clear();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchLimiter(pairs: number, rounds = 5): Promise<LimiterResult> {
  // Warm-up of every path first, so the measured runs compare like with like.
  await forgePairs(Math.min(10_000, pairs));
  await forgePairs(Math.min(2_000, pairs), 'before');
  await bottleneckJobs(2_000);
  await pQueueJobs(2_000);
  // Before and after alternate, round by round, so a load spike from elsewhere on the machine
  // falls on both; the before path is ~100x slower per pair, so it gets fewer pairs per round.
  const before: number[] = [];
  const after: number[] = [];
  for (let r = 0; r < rounds; r++) {
    before.push(await forgePairs(Math.max(500, Math.floor(pairs / 100)), 'before'));
    after.push(await forgePairs(pairs));
  }
  const pairsPerSec = median(after);
  const beforePairsPerSec = median(before);
  const refusalsPerSec = await forgeRefusals(Math.max(1000, Math.floor(pairs / 2)));
  // The others are slower per job: fewer jobs keep the run short, the rate is what counts.
  // bottleneck hands each job to a timer: a few thousand jobs take seconds of wall time whatever their CPU cost.
  const bottleneckPerSec = await bottleneckJobs(2_000);
  const pQueuePerSec = await pQueueJobs(Math.max(2_000, Math.floor(pairs / 4)));
  return { pairs, pairsPerSec, beforePairsPerSec, rounds, refusalsPerSec, bottleneckPerSec, pQueuePerSec };
}
