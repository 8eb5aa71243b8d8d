import type { ClassifiedError } from '../../errors';
import type { RateLimiter } from '../../limiter/types';
import type { Metrics } from '../../metrics/metrics';
import type { RunMessageBatches } from '../../message-batches/run-message-batches';
import type { RunForecast } from './run-forecast';
import type { RunPlans } from './run-plans';
import { buildSummary } from './run-summary';
import type { BatchProgress, RunSnapshot, RunState, RunSummary } from './run-types';
import type { StepProgress } from './step-progress';

/** What a run shows of itself: its snapshot (progress blocks, panel) and its summary. */
export interface RunReportInput {
  state: RunState;
  simulated: boolean;
  startedAt?: number;
  /** When the run ended, or now. */
  endedAt: number;
  stopError?: ClassifiedError;
  budgetUsd?: number;
  batches: BatchProgress[];
  metrics: Metrics;
  steps: StepProgress;
  forecast: RunForecast;
  plans: RunPlans;
  limiter: RateLimiter;
  messageBatches: RunMessageBatches;
}

export async function runSnapshot(i: RunReportInput): Promise<RunSnapshot> {
  const classes = i.plans.modelClasses();
  const limiters = await Promise.all(classes.map((c) => i.limiter.snapshot(c)));
  i.steps.observeLimits(limiters);
  return {
    state: i.state,
    simulated: i.simulated,
    ...(i.startedAt !== undefined ? { startedAt: i.startedAt } : {}),
    batches: i.batches.map((b) => ({ ...b })),
    metrics: i.metrics.snapshot(),
    progress: i.steps.progress(),
    limiters,
    ...(i.budgetUsd !== undefined ? { budgetUsd: i.budgetUsd } : {}),
    ...(i.forecast.costUsd !== undefined ? { estimateUsd: i.forecast.costUsd } : {}),
    messageBatches: i.messageBatches.snapshots(),
    messageBatchCostUsd: i.messageBatches.costUsd,
  };
}

export function runSummary(i: RunReportInput): RunSummary {
  return buildSummary({
    state: i.state,
    batches: i.batches,
    metrics: i.metrics.snapshot(),
    ...(i.startedAt !== undefined ? { startedAt: i.startedAt } : {}),
    endedAt: i.endedAt,
    ...(i.stopError ? { stopError: i.stopError } : {}),
    ...(i.forecast.wallSeconds !== undefined ? { estimate: { wallSeconds: i.forecast.wallSeconds, costUsd: i.forecast.costUsd! } } : {}),
    ...(i.steps.checkpoint ? { etaCheckpoint: i.steps.checkpoint } : {}),

    messageBatches: messageBatchFigures(i.messageBatches),
  });
}

function messageBatchFigures(messageBatches: RunMessageBatches) {
  const list = messageBatches.snapshots();
  return {
    usage: messageBatches.usage,
    costUsd: messageBatches.costUsd,
    batches: list.length,
    requests: list.reduce((n, b) => n + b.requests, 0),
    processing: list.filter((b) => b.status !== 'ended').length,
    ...(messageBatches.calls ? { calls: { ...messageBatches.calls } } : {}),
  };
}
