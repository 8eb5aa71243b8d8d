import type { Limits } from '../core/limiter/types';
import type { ModelClass } from './models';
import { addCacheUse, emptyCacheCounters, type CacheCounters, type CacheUse } from './cache-counters';
import type { MessageBatchStats } from './message-batches/batch-stats';

/** What the simulator has seen since start (or the last reset). */
export interface ClassStats {
  requests: number;
  messages: number;
  rateLimited: number;
  /** `usage.input_tokens`: input neither read from nor written to the cache. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt caching (cache-counters.ts). */
  cache: CacheCounters;
}

export interface SimStats {
  /** Every HTTP request, admin endpoints excluded. */
  requests: number;
  /** By HTTP status; "reset" = socket destroyed by a fault, "aborted" = client hung up first. */
  byStatus: Record<string, number>;
  rateLimited: number;
  /** Streams that ended with an `event: error`. */
  streamErrors: number;
  /** Successful messages (200, complete). */
  messages: number;
  /** `usage.input_tokens`: input neither read from nor written to the cache. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt caching, all classes: reads prove a client's prefixes were reused. */
  cache: CacheCounters;
  countTokensRequests: number;
  byModelClass: Partial<Record<ModelClass, ClassStats>>;
  inFlight: number;
  peakConcurrency: number;
  /** Epoch ms on the simulator's clock. */
  firstRequestAt?: number;
  /** The first POST /v1/messages (a client's estimate sends count_tokens before it). */
  firstMessageAt?: number;
  lastRequestAt?: number;
  /** When the last request to end (answered, refused, reset or aborted) ended. */
  lastFinishedAt?: number;
  limits: Record<ModelClass, Limits>;
  /** The Message Batches endpoints, apart: their usage is billed at half price and not counted above. */
  messageBatches: MessageBatchStats;
}

export class StatsRecorder {
  private s = StatsRecorder.empty();

  private static empty(): Omit<SimStats, 'limits' | 'inFlight' | 'messageBatches'> {
    return {
      requests: 0,
      byStatus: {},
      rateLimited: 0,
      streamErrors: 0,
      messages: 0,
      inputTokens: 0,
      outputTokens: 0,
      cache: emptyCacheCounters(),
      countTokensRequests: 0,
      byModelClass: {},
      peakConcurrency: 0,
    };
  }

  private inFlight = 0;

  reset(): void {
    this.s = StatsRecorder.empty();
    // requests still running stay counted so the peak stays truthful
    this.s.peakConcurrency = this.inFlight;
  }

  /** A request to POST /v1/messages began (after `started`). */
  messageStarted(now: number): void {
    this.s.firstMessageAt ??= now;
  }

  started(now: number): void {
    this.s.requests++;
    this.s.firstRequestAt ??= now;
    this.s.lastRequestAt = now;
    this.inFlight++;
    this.s.peakConcurrency = Math.max(this.s.peakConcurrency, this.inFlight);
  }

  finished(status: number | 'reset' | 'aborted', now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.s.lastFinishedAt = now;
    const key = String(status);
    this.s.byStatus[key] = (this.s.byStatus[key] ?? 0) + 1;
    if (status === 429) this.s.rateLimited++;
  }

  private cls(modelClass: ModelClass): ClassStats {
    return (this.s.byModelClass[modelClass] ??= {
      requests: 0,
      messages: 0,
      rateLimited: 0,
      inputTokens: 0,
      outputTokens: 0,
      cache: emptyCacheCounters(),
    });
  }

  modelRequest(modelClass: ModelClass): void {
    this.cls(modelClass).requests++;
  }

  modelRateLimited(modelClass: ModelClass): void {
    this.cls(modelClass).rateLimited++;
  }

  countTokens(): void {
    this.s.countTokensRequests++;
  }

  streamError(): void {
    this.s.streamErrors++;
  }

  /** Tokens served; `complete` when the message finished normally. */
  served(modelClass: ModelClass, inputTokens: number, outputTokens: number, complete: boolean, cache?: CacheUse): void {
    const c = this.cls(modelClass);
    if (cache) {
      addCacheUse(c.cache, cache);
      addCacheUse(this.s.cache, cache);
    }
    c.inputTokens += inputTokens;
    c.outputTokens += outputTokens;
    this.s.inputTokens += inputTokens;
    this.s.outputTokens += outputTokens;
    if (complete) {
      c.messages++;
      this.s.messages++;
    }
  }

  snapshot(limits: Record<ModelClass, Limits>): Omit<SimStats, 'messageBatches'> {
    return structuredClone({ ...this.s, inFlight: this.inFlight, limits });
  }
}
