import type { ClassifiedError } from '../../errors';
import type { MetricsSnapshot } from '../../metrics/metrics';
import type { EstimateCheck } from './estimate-check';
import type { BatchProgress, RunState, RunSummary } from './run-types';

export interface SummaryInput {
  state: RunState;
  batches: readonly BatchProgress[];
  metrics: MetricsSnapshot;
  startedAt?: number;
  endedAt: number;
  stopError?: ClassifiedError;
  estimateCheck?: EstimateCheck;
}

/** What a run did, from its batches' progress and its metrics. */
export function buildSummary(i: SummaryInput): RunSummary {
  const sum = (f: (b: BatchProgress) => number) => i.batches.reduce((n, b) => n + f(b), 0);
  const generated = sum((b) => b.generated);
  const skipped = sum((b) => b.skipped);
  const failed = sum((b) => b.failed);
  const skippedFailed = sum((b) => b.skippedFailed);
  const total = sum((b) => b.total);
  const m = i.metrics;
  return {
    state: i.state,
    total,
    generated,
    skipped,
    failed,
    skippedFailed,
    remaining: Math.max(0, total - generated - skipped - failed - skippedFailed),
    requests: m.totals.started,
    rateLimited: m.totals.rateLimited,
    inputTokens: m.tokens.input,
    outputTokens: m.tokens.output,
    cacheCreationInputTokens: m.tokens.cacheCreation,
    cacheReadInputTokens: m.tokens.cacheRead,
    costUsd: m.costUsd,
    ...(m.cacheSavingsUsd !== 0 ? { cacheSavingsUsd: m.cacheSavingsUsd } : {}),
    wallSeconds: i.startedAt === undefined ? 0 : (i.endedAt - i.startedAt) / 1000,
    ...(i.stopError && i.stopError.kind !== 'cancelled' ? { stopReason: { kind: i.stopError.kind, message: i.stopError.message } } : {}),
    ...(i.estimateCheck ? { estimateCheck: i.estimateCheck } : {}),
    datasets: i.batches.map((b) => ({ batch: b.id, path: b.datasetPath, generated: b.generated })),
  };
}
