import type { Clock } from '../core/clock';
import { ClassLimiter } from './class-limiter';
import { FaultInjector } from './faults';
import { MODEL_CLASSES, type ModelClass } from './models';
import { applyConfigPatch, parseFaultScript, type ResolvedConfig, type ResolvedOptions } from './options';
import { PromptCache } from './prompt-cache';
import { createRng, type Rng } from './rng';
import { StatsRecorder, type SimStats } from './stats';
import { TwoWindowLimit } from './two-window-limit';
import type { ResultsContext } from './message-batches/batch-results';
import { MessageBatchStatsRecorder } from './message-batches/batch-stats';
import { MessageBatchStore } from './message-batches/batch-store';

/**
 * Everything a running simulator knows: its configuration, buckets, faults and counters.
 * Handlers read it; only `configure` changes the configuration.
 */
export class SimState {
  config: ResolvedConfig;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly faults: FaultInjector;
  readonly stats = new StatsRecorder();
  /** One cache for the whole organization, as on the real API (entries are per model by their hash). */
  readonly promptCache = new PromptCache();
  readonly acceptKey: ((key: string) => boolean) | undefined;
  private readonly limiters = new Map<ModelClass, ClassLimiter>();
  readonly countTokensBucket: TwoWindowLimit;
  /** Message Batches: their own store, RPM bucket (beside the Messages limits) and counters. */
  readonly messageBatches: MessageBatchStore;
  readonly messageBatchLimit: TwoWindowLimit;
  readonly messageBatchStats = new MessageBatchStatsRecorder();
  private readonly messageBatchRng: Rng;

  /** Answers draw from a stream of the seed and the request (answer-rng.ts); `rng` keeps the latency jitter. */
  readonly seed: number;

  constructor(options: ResolvedOptions, clock: Clock) {
    this.config = options.config;
    this.seed = options.seed;
    this.clock = clock;
    this.rng = createRng(options.seed);
    // faults draw from their own stream so that output lengths do not shift fault decisions
    this.faults = new FaultInjector(createRng(options.seed ^ 0x5eed));
    this.faults.setScript(options.script);
    this.acceptKey = options.acceptKey;
    const now = clock.now();
    for (const cls of MODEL_CLASSES) this.limiters.set(cls, new ClassLimiter(this.config.limits[cls], this.config.burstSeconds, now));
    this.countTokensBucket = new TwoWindowLimit(this.config.countTokensRequestsPerMinute, this.config.countTokensBurstSeconds, now);
    // their own streams, so batches neither shift nor depend on the Messages answers and faults
    this.messageBatches = new MessageBatchStore(createRng(options.seed ^ 0xba7c4));
    this.messageBatchRng = createRng(options.seed ^ 0x4e5017);
    const mb = this.config.messageBatches;
    this.messageBatchLimit = new TwoWindowLimit(mb.requestsPerMinute, mb.burstSeconds, now);
  }

  /** What materializing an ended batch's results needs. */
  messageBatchResultsContext(): ResultsContext {
    return {
      rng: this.messageBatchRng,
      seed: this.seed,
      config: this.config,
      promptCache: this.promptCache,
      stats: this.messageBatchStats,
    };
  }

  limiter(cls: ModelClass): ClassLimiter {
    return this.limiters.get(cls)!;
  }

  /** Validates and applies a runtime patch; throws TypeError (nothing changed) when it is invalid. */
  configure(patch: unknown): void {
    const next = applyConfigPatch(this.config, patch);
    const script = (patch as { faults?: { script?: unknown } }).faults?.script;
    const parsedScript = script === undefined ? undefined : parseFaultScript(script);
    this.config = next;
    const now = this.clock.now();
    for (const cls of MODEL_CLASSES) this.limiter(cls).reconfigure(next.limits[cls], next.burstSeconds, now);
    this.countTokensBucket.reconfigure(next.countTokensRequestsPerMinute, next.countTokensBurstSeconds, now);
    this.messageBatchLimit.reconfigure(next.messageBatches.requestsPerMinute, next.messageBatches.burstSeconds, now);
    if (parsedScript) this.faults.setScript(parsedScript);
  }

  snapshotStats(): SimStats {
    return { ...this.stats.snapshot(this.config.limits), messageBatches: this.messageBatchStats.snapshot() };
  }

  resetStats(): void {
    this.stats.reset();
    this.messageBatchStats.reset();
  }

  /** Full buckets, no storm, no pending script, an empty prompt cache: a clean slate between benchmark rounds. */
  refillAll(): void {
    const now = this.clock.now();
    this.promptCache.clear();
    for (const cls of MODEL_CLASSES) this.limiter(cls).refill(now);
    this.countTokensBucket.refill(now);
    this.messageBatchLimit.refill(now);
    this.faults.clear();
  }

  /** Adds the configured jitter to a planned wait (drawn from the seeded RNG, so runs replay). */
  jitter(ms: number): number {
    return ms + (this.config.latency.jitterMs > 0 ? this.rng.next() * this.config.latency.jitterMs : 0);
  }
}
