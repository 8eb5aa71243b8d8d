import { addCacheUse, emptyCacheCounters, type CacheCounters, type CacheUse } from '../cache-counters';
import type { ModelClass } from '../models';

/**
 * What the Message Batches endpoints have seen since start (or the last reset), apart from the
 * Messages counters: batch usage is billed at half price and must not be mistaken for online usage.
 */
export interface MessageBatchStats {
  /** Batches the simulator made (each create answered 200). */
  created: number;
  /** Requests in those batches. */
  requestsSubmitted: number;
  /** Per custom_id: how many times it was submitted, so a test can assert once per needed attempt. */
  submittedByCustomId: Record<string, number>;
  /** Calls per endpoint, counted whatever their answer (429 and 404 included). */
  creates: number;
  retrieves: number;
  lists: number;
  cancels: number;
  deletes: number;
  /** GET …/results calls, and those the broken-download fault cut half way. */
  downloads: number;
  brokenDownloads: number;
  /** Creates that made a batch and dropped the connection (the lostCreates fault), and 529s of overloadedCalls. */
  lostCreates: number;
  overloaded: number;
  /** 429s from the batch RPM bucket, and creates refused by the queued-requests cap. */
  rateLimited: number;
  queueFull: number;
  /** 404s answered in the early window after create. */
  earlyNotFound: number;
  /** Result lines by type, counted once per batch when it ends. */
  results: { succeeded: number; errored: number; canceled: number; expired: number };
  /** Usage of succeeded lines (billed at 50 %; errored, canceled and expired lines are not billed). */
  inputTokens: number;
  outputTokens: number;
  cache: CacheCounters;
  /** The same usage per model class, to price it (each class has its own prices). */
  byModelClass: Partial<Record<ModelClass, MessageBatchUsage>>;
}

export interface MessageBatchUsage {
  succeeded: number;
  inputTokens: number;
  outputTokens: number;
  cache: CacheCounters;
}

export type BatchEndpoint = 'creates' | 'retrieves' | 'lists' | 'cancels' | 'deletes' | 'downloads';
export type ResultType = keyof MessageBatchStats['results'];

export function emptyMessageBatchStats(): MessageBatchStats {
  return {
    created: 0,
    requestsSubmitted: 0,
    submittedByCustomId: {},
    creates: 0,
    retrieves: 0,
    lists: 0,
    cancels: 0,
    deletes: 0,
    downloads: 0,
    brokenDownloads: 0,
    lostCreates: 0,
    overloaded: 0,
    rateLimited: 0,
    queueFull: 0,
    earlyNotFound: 0,
    results: { succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    inputTokens: 0,
    outputTokens: 0,
    cache: emptyCacheCounters(),
    byModelClass: {},
  };
}

export class MessageBatchStatsRecorder {
  private s = emptyMessageBatchStats();

  reset(): void {
    this.s = emptyMessageBatchStats();
  }

  call(endpoint: BatchEndpoint): void {
    this.s[endpoint]++;
  }

  rateLimited(): void {
    this.s.rateLimited++;
  }

  queueFull(): void {
    this.s.queueFull++;
  }

  earlyNotFound(): void {
    this.s.earlyNotFound++;
  }

  brokenDownload(): void {
    this.s.brokenDownloads++;
  }

  lostCreate(): void {
    this.s.lostCreates++;
  }

  overloaded(): void {
    this.s.overloaded++;
  }

  created(customIds: readonly string[]): void {
    this.s.created++;
    this.s.requestsSubmitted += customIds.length;
    for (const id of customIds) this.s.submittedByCustomId[id] = (this.s.submittedByCustomId[id] ?? 0) + 1;
  }

  result(type: ResultType): void {
    this.s.results[type]++;
  }

  served(modelClass: ModelClass, inputTokens: number, outputTokens: number, cache: CacheUse): void {
    this.s.inputTokens += inputTokens;
    this.s.outputTokens += outputTokens;
    addCacheUse(this.s.cache, cache);
    const c = (this.s.byModelClass[modelClass] ??= { succeeded: 0, inputTokens: 0, outputTokens: 0, cache: emptyCacheCounters() });
    c.succeeded++;
    c.inputTokens += inputTokens;
    c.outputTokens += outputTokens;
    addCacheUse(c.cache, cache);
  }

  snapshot(): MessageBatchStats {
    return structuredClone(this.s);
  }
}
