// The ETA as it was before steps were counted, kept here only as the benchmark's baseline:
// conversations left over the conversations finished a minute (trailing 60 s, at least 3 s of it,
// restarted at every resume), blended over the first 10 s with the pace the learned limits allow
// for the estimate's conversations (the removed learned-pace.ts).
import type { LimiterSnapshot } from '../../src/core/limiter/types';
import { TrailingCounter } from '../../src/core/metrics/rolling';

const MIN_SPAN_MS = 3_000;
const FORECAST_SPAN_MS = 10_000;
const PER_MINUTE = { requests: 'requestsPerMinute', inputTokens: 'inputTokensPerMinute', outputTokens: 'outputTokensPerMinute' } as const;

export interface EstimatedWork {
  readonly conversations: number;
  readonly requests: number;
  /** Input that counts against ITPM. */
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Conversations a minute at the tightest learned limit (the old learned-pace.ts). */
function paceAtLearnedLimits(work: EstimatedWork, limiters: readonly LimiterSnapshot[]): number | undefined {
  let pace: number | undefined;
  for (const l of limiters) {
    for (const d of ['requests', 'inputTokens', 'outputTokens'] as const) {
      if (l.dimensions[d].remaining === undefined) continue;
      const limit = l.limits[PER_MINUTE[d]];
      if (!(work[d] > 0 && limit > 0)) continue;
      const p = (limit / work[d]) * work.conversations;
      pace = pace === undefined ? p : Math.min(pace, p);
    }
  }
  return pace;
}

export class ConversationEta {
  private readonly completions = new TrailingCounter(60_000);
  private since?: number;

  constructor(private readonly work: EstimatedWork) {}

  started(at: number): void {
    this.since ??= at;
  }

  finished(at: number): void {
    this.completions.add(at);
  }

  etaMs(now: number, remaining: number, limiters: readonly LimiterSnapshot[]): number | undefined {
    const expected = paceAtLearnedLimits(this.work, limiters);
    const rate =
      expected === undefined
        ? this.completions.rate(now, MIN_SPAN_MS, this.since)
        : this.completions.rate(now, FORECAST_SPAN_MS, this.since, expected);
    return rate > 0 ? Math.round((remaining / rate) * 60_000) : undefined;
  }
}
