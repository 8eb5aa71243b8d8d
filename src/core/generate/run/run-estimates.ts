import type { ConversationSpec } from '../types';
import type { BatchPlan } from './batch-plan';
import type { RunForecast } from './run-forecast';
import type { RunPlans } from './run-plans';
import type { SpendTracker } from './spend-tracker';

/**
 * Guards a run that has no budget against an estimate that was badly wrong: once the spend passes
 * the estimate by `fraction`, nothing more is dispatched and the run stops with that reason.
 */
export function stopPastEstimate(forecast: RunForecast, spend: SpendTracker, budgetUsd: number | undefined, fraction: number): void {
  const estimate = forecast.costUsd;
  if (budgetUsd !== undefined || estimate === undefined || estimate <= 0) return;
  spend.setCeiling(
    estimate * (1 + fraction),
    (spent) =>
      `spend $${spent.toFixed(4)} ran past the estimate ~$${estimate.toFixed(4)} by more than ${Math.round(fraction * 100)} %; ` +
      'stopped before sending more (give --budget to set the limit yourself, or --overrun to widen the margin)',
  );
}

/**
 * An even sample of the conversations still to generate (at most `maxPerBatch` per batch), online
 * and batch-mode alike, each standing for `weight` of them: what a pre-run estimate needs, without
 * making every spec.
 */
export function estimateSample(
  plans: RunPlans,
  messageBatchPlans: readonly BatchPlan[],
  maxPerBatch: number,
): { spec: ConversationSpec; weight: number }[] {
  const online = plans.estimateSample(maxPerBatch);
  const batch = messageBatchPlans.flatMap((plan) => {
    const { specs, weight } = plan.sample(maxPerBatch);
    return specs.map((spec) => ({ spec, weight }));
  });
  return [...online, ...batch];
}
