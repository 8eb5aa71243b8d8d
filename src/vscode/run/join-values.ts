import { ensureValues } from '../../core/generate/values/ensure-values';
import { valuesSpentUsd } from '../../core/generate/values/generate-values';
import { ModelPricing } from '../../core/generate/run/model-pricing';
import type { PromptFile } from '../../core/generate/types';
import { engineSettings } from '../config';
import type { LiveRun } from './live-run';
import type { RunControllerDeps } from './run-controller-types';

/**
 * A file joining the run in progress gets its missing variable values through the run's own
 * caller and limiter, within what the run's budget has left, and what they cost is charged to the
 * run's budget as each file's values are written (even when a later request is refused), so the
 * run's own check before each request sees it. Resolves with the files bound to their values.
 */
export async function valuesForJoining(
  active: LiveRun,
  files: readonly PromptFile[],
  deps: Pick<RunControllerDeps, 'config' | 'clock' | 'log'>,
): Promise<PromptFile[]> {
  const left = active.run.budgetLeftUsd;
  const pricing = new ModelPricing(engineSettings(deps.config()).modelOverrides);
  const priceOf = pricing.costUsd.bind(pricing);
  let spent = 0;
  const ready = await ensureValues(files, {
    caller: active.caller,
    limiter: active.limiter,
    clock: deps.clock,
    simulated: active.endpoint.endpoint.simulated,
    // Nothing left: a positive sliver, so the first request is refused with the budget's reason.
    ...(left !== undefined ? { budget: { limitUsd: Math.max(left, 1e-9), priceOf } } : {}),
    onWritten: (o) => {
      const usd = valuesSpentUsd([o], priceOf);
      spent += usd;
      active.run.chargeOutside(usd);
      deps.log.info(o.variables.map((v) => `generated ${v.got} of ${v.wanted} values of ${v.name} into ${o.valuesFile}`).join('; '));
    },
  });
  if (spent > 0 && left !== undefined) {
    deps.log.info(
      `the generated values of the joining file(s) spent $${spent.toFixed(4)} of the run's budget: $${(active.run.budgetLeftUsd ?? 0).toFixed(4)} is left`,
    );
  }
  return ready;
}
