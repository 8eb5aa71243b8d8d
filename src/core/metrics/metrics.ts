import type { Clock } from '../clock';
import type { Health } from '../limiter/types';
import type { ProcessorEvents, ProcessorStats } from '../queue/events';
import type { Disposable } from '../queue/typed-emitter';
import type { Job } from '../queue/types';
import { ZERO_USAGE, addUsage, cacheReadShare, uncachedEquivalent, type Usage } from '../usage';
import { verdict, type Verdict } from './health-verdict';
import { SampleWindow, TrailingCounter } from './rolling';
import { expectInteger } from '../validate';

/** What metrics need of a processor: its events and its live stats. */
export interface MetricsSource<T> {
  on<K extends keyof ProcessorEvents<T>>(type: K, listener: (event: ProcessorEvents<T>[K]) => void): Disposable;
  readonly stats: ProcessorStats;
}

export interface MetricsOptions<T> {
  clock: Clock;
  processor: MetricsSource<T>;
  /** Work planned but not handed to the processor yet (a run makes jobs a window at a time); counts as remaining. */
  unqueued?: () => number;
  /**
   * The run's time left (run-progress.ts: counted in weighted steps at the learned limits); the
   * metrics carry it so the health verdict and every view read the same figure.
   */
  eta?: () => number | undefined;
  /** USD for one request's usage. */
  costOf: (job: Job<T>, usage: Usage) => number;
  /** Samples kept for means and percentiles. Default 1,000. */
  window?: number;
  /** Entries kept in the event log. Default 100. */
  logSize?: number;
}

export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
}

export interface LogEntry {
  readonly at: number;
  readonly type: keyof ProcessorEvents<unknown>;
  readonly message: string;
}

/** Plain, serialisable: the UI and the CLI render it as is. */
export interface MetricsSnapshot {
  readonly at: number;
  readonly totals: {
    readonly queued: number;
    readonly started: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly retried: number;
    readonly rateLimited: number;
    readonly cancelled: number;
  };
  /** succeeded / (succeeded + failed), 1 before anything finished. */
  readonly successRate: number;
  /** Enqueue (or requeue) to start, per request. */
  readonly waitMs: Distribution;
  /** Start to end, per request (one step of a job). */
  readonly processingMs: Distribution;
  /** Jobs completed in the trailing 60 s. */
  readonly throughputPerMinute: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly cacheCreation: number; readonly cacheRead: number };
  readonly costUsd: number;
  /** What prompt caching saved: the same input at the plain input price, less what it cost (cache-savings.ts). */
  readonly cacheSavingsUsd: number;
  /** Share of all input that was read from the prompt cache, 0..1. */
  readonly cacheReadShare: number;
  /** Queued + in flight + waiting to retry. */
  readonly remaining: number;
  /** Time to finish, from the `eta` option (the run's one ETA); absent when there is no pace to go by. */
  readonly etaMs?: number;
  readonly processor: ProcessorStats;
  readonly health: Verdict;
  /** Newest first. */
  readonly log: readonly LogEntry[];
}

export interface Metrics extends Disposable {
  snapshot(): MetricsSnapshot;
  reset(): void;
}

/** Throughput is measured over at least this, so the first few completions do not read as a spike. */
const MIN_SPAN_MS = 3_000;

export function createMetrics<T>(options: MetricsOptions<T>): Metrics {
  const { clock, processor, costOf } = options;
  const windowSize = options.window ?? 1000;
  const logSize = options.logSize ?? 100;
  expectInteger('window', windowSize, 1);
  expectInteger('logSize', logSize, 1);
  const waits = new SampleWindow(windowSize);
  const processing = new SampleWindow(windowSize);
  const completions = new TrailingCounter(60_000);
  let totals = { queued: 0, started: 0, succeeded: 0, failed: 0, retried: 0, rateLimited: 0, cancelled: 0 };
  let usage: Usage = ZERO_USAGE;
  let cost = 0;
  let savings = 0;
  let limiterHealth: Health = 'healthy';
  let log: LogEntry[] = [];
  /** When dispatch began, so throughput is measured over the time work has been running. */
  let activeSince: number | undefined;

  const record = (type: LogEntry['type'], message: string) => {
    log.unshift({ at: clock.now(), type, message });
    if (log.length > logSize) log.length = logSize;
  };
  const spend = (job: Job<T>, u: Usage) => {
    usage = addUsage(usage, u);
    const actual = costOf(job, u);
    cost += actual;
    if (u.cacheReadInputTokens + u.cacheCreationInputTokens > 0) savings += costOf(job, uncachedEquivalent(u)) - actual;
  };

  const subscriptions: Disposable[] = [
    processor.on('queued', (e) => {
      totals.queued += e.jobs.length;
      record('queued', `${e.jobs.length} job(s) queued`);
    }),
    processor.on('started', (e) => {
      const now = clock.now();
      // Work (re)starts after an idle minute: measure throughput from here.
      if (activeSince === undefined || (completions.count(now) === 0 && processor.stats.active <= 1)) activeSince = now;
      totals.started++;
      waits.add(e.waitedMs);
    }),
    processor.on('step', (e) => {
      processing.add(e.durationMs);
      spend(e.job, e.usage);
    }),
    processor.on('succeeded', (e) => {
      totals.succeeded++;
      processing.add(e.durationMs);
      completions.add(clock.now());
      spend(e.job, e.usage);
    }),
    processor.on('retrying', (e) => {
      totals.retried++;
      if (e.error.usage) spend(e.job, e.error.usage);
      record('retrying', `${e.job.id}: ${e.error.message}; retry in ${Math.round(e.delayMs / 1000)} s`);
    }),
    processor.on('failed', (e) => {
      totals.failed++;
      completions.add(clock.now());
      if (e.error.usage) spend(e.job, e.error.usage);
      record('failed', `${e.job.id}: ${e.error.message}`);
    }),
    processor.on('cancelled', (e) => {
      totals.cancelled++;
      record('cancelled', `${e.job.id}: cancelled`);
    }),
    processor.on('paused', (e) => {
      if (e.reason === 'rate_limit') totals.rateLimited++;
      const until = e.until === undefined ? '' : ` for ${Math.ceil((e.until - clock.now()) / 1000)} s`;
      record('paused', e.reason === 'rate_limit' ? `paused by a 429${until}` : 'paused by the user');
    }),
    processor.on('resumed', () => {
      record('resumed', 'resumed');
    }),
    processor.on('health', (e) => {
      limiterHealth = e.snapshot.health;
      record('health', `rate limit health: ${e.snapshot.health}`);
    }),
    processor.on('stopped', (e) => record('stopped', `stopped: ${e.error.message}`)),
    processor.on('idle', () => record('idle', 'queue is idle')),
  ];

  return {
    snapshot(): MetricsSnapshot {
      const now = clock.now();
      const stats = processor.stats;
      const finished = totals.succeeded + totals.failed;
      const successRate = finished === 0 ? 1 : totals.succeeded / finished;
      const throughputPerMinute = completions.rate(now, MIN_SPAN_MS, activeSince);
      const remaining = stats.queuedTotal + stats.active + stats.retryWaiting + (options.unqueued?.() ?? 0);
      const etaMs = options.eta?.();
      const waitMs = waits.summary();
      return {
        at: now,
        totals: { ...totals },
        successRate,
        waitMs,
        processingMs: processing.summary(),
        throughputPerMinute,
        tokens: {
          input: usage.inputTokens,
          output: usage.outputTokens,
          cacheCreation: usage.cacheCreationInputTokens,
          cacheRead: usage.cacheReadInputTokens,
        },
        costUsd: cost,
        cacheSavingsUsd: savings,
        cacheReadShare: cacheReadShare(usage),
        remaining,
        ...(etaMs !== undefined ? { etaMs } : {}),
        // Headers and usage objects on the error are not for the UI; keep it plain.
        processor: stats.stopError
          ? {
              ...stats,
              stopError: { kind: stats.stopError.kind, action: stats.stopError.action, retryable: false, message: stats.stopError.message },
            }
          : stats,
        health: verdict({
          now,
          state: stats.state,
          pauseReason: stats.pauseReason,
          pausedUntil: stats.pausedUntil,
          stopError: stats.stopError,
          limiterHealth,
          waiting: remaining,
          etaMs,
          meanWaitMs: waitMs.mean,
          finished,
          successRate,
        }),
        log: log.slice(),
      };
    },
    reset(): void {
      waits.clear();
      processing.clear();
      completions.clear();
      activeSince = undefined;
      totals = { queued: 0, started: 0, succeeded: 0, failed: 0, retried: 0, rateLimited: 0, cancelled: 0 };
      usage = ZERO_USAGE;
      cost = 0;
      log = [];
    },
    dispose(): void {
      for (const s of subscriptions) s.dispose();
    },
  };
}
