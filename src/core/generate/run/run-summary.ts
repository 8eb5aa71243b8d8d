import type { ClassifiedError } from '../../errors';
import type { MetricsSnapshot } from '../../metrics/metrics';
import { checkEstimate } from './estimate-check';
import type { EtaCheckpoint } from './step-progress';

import type { Usage } from '../../usage';
import type { BatchProgress, RunState, RunSummary } from './run-types';

export interface SummaryInput {
  state: RunState;
  batches: readonly BatchProgress[];
  metrics: MetricsSnapshot;
  startedAt?: number;
  endedAt: number;
  stopError?: ClassifiedError;
  /** The pre-run estimate(s), when there was one: a finished run says how far off it was. */
  estimate?: { wallSeconds: number; costUsd: number };
  /** The ETA shown when a fifth of the work was done. */
  etaCheckpoint?: EtaCheckpoint;

  /** What Message Batches brought back (batch prices): added to the online figures. */
  messageBatches?: {
    usage: Usage;
    costUsd: number;
    batches: number;
    requests?: number;
    processing: number;
    calls?: Readonly<Record<string, number>>;
  };
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
  const check =
    i.state === 'finished' && i.estimate && i.startedAt !== undefined
      ? checkEstimate({
          estimate: i.estimate,
          startedAt: i.startedAt,
          endedAt: i.endedAt,
          costUsd: m.costUsd + (i.messageBatches?.costUsd ?? 0),
          messageBatches: (i.messageBatches?.batches ?? 0) > 0,
          ...(i.etaCheckpoint ? { checkpoint: i.etaCheckpoint } : {}),
        })
      : undefined;

  const mb = i.messageBatches?.usage;
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
    inputTokens: m.tokens.input + (mb?.inputTokens ?? 0),
    outputTokens: m.tokens.output + (mb?.outputTokens ?? 0),
    cacheCreationInputTokens: m.tokens.cacheCreation + (mb?.cacheCreationInputTokens ?? 0),
    cacheReadInputTokens: m.tokens.cacheRead + (mb?.cacheReadInputTokens ?? 0),
    costUsd: m.costUsd + (i.messageBatches?.costUsd ?? 0),
    ...(m.cacheSavingsUsd !== 0 ? { cacheSavingsUsd: m.cacheSavingsUsd } : {}),
    wallSeconds: i.startedAt === undefined ? 0 : (i.endedAt - i.startedAt) / 1000,
    ...(i.stopError && i.stopError.kind !== 'cancelled' ? { stopReason: { kind: i.stopError.kind, message: i.stopError.message } } : {}),
    ...(check ? { estimateCheck: check } : {}),
    datasets: i.batches.map((b) => ({ batch: b.id, path: b.datasetPath, generated: b.generated })),
    ...(i.messageBatches && i.messageBatches.batches > 0
      ? {
          messageBatches: {
            batches: i.messageBatches.batches,
            requests: i.messageBatches.requests ?? 0,
            processing: i.messageBatches.processing,
            costUsd: i.messageBatches.costUsd,
            calls: i.messageBatches.calls ?? {},
          },
        }
      : {}),
  };
}

/** "110 requests", or with Message Batches "0 requests online + 24 in Message Batches". */
export function requestsText(s: RunSummary): string {
  const mb = s.messageBatches;
  return mb ? `${s.requests} requests online + ${mb.requests} in Message Batches` : `${s.requests} requests`;
}
