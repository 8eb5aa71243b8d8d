import type { ModelCaller } from '../../core/api/types';
import { approxPromptTokens } from '../../core/generate/estimate/approx-tokens';
import { estimateRun, type RunEstimate } from '../../core/generate/estimate';
import { expandConversations } from '../../core/generate/prompt-file';
import { limitsOf } from '../../engine';
import type { ConversationSpec, PromptFile } from '../../core/generate/types';
import { costOf, resolveModel, type LimitsConfig } from '../../core/models';
import type { LearnedLimits } from '../run/learned-limits';
import { estimateValueRequests, withValueRequests } from '../../core/generate/values/estimate-values';

/**
 * Estimates for the commands: with count_tokens through a caller (Estimate Cost), or instantly
 * with the local four-characters-per-token rule (the workspace pick fills its costs with this).
 */
export const localCounter: Pick<ModelCaller, 'countTokens'> = {
  countTokens: async (request) => approxPromptTokens(request),
};

/** Includes the requests that generate variable values still missing. */
export async function estimateFiles(
  files: readonly PromptFile[],
  limits: LimitsConfig,
  caller: Pick<ModelCaller, 'countTokens'> = localCounter,
  signal?: AbortSignal,
  learned?: LearnedLimits,
): Promise<RunEstimate> {
  const estimate = await estimateSpecs(
    files.flatMap((f) => expandConversations(f)),
    limits,
    caller,
    signal,
    learned,
  );
  return withValueRequests(
    estimate,
    estimateValueRequests(files, (id, usage) => costOf(resolveModel(id)!, usage)),
  );
}

/** `learned`: limits the API reported in a run (learned-limits.ts) win over the configured ones. */
export function estimateSpecs(
  specs: readonly ConversationSpec[],
  limits: LimitsConfig,
  caller: Pick<ModelCaller, 'countTokens'> = localCounter,
  signal?: AbortSignal,
  learned: LearnedLimits = () => ({}),
  weightOf?: (spec: ConversationSpec) => number,
): Promise<RunEstimate> {
  const model = (id: string) => {
    const m = resolveModel(id);
    if (!m) throw new Error(`unknown model "${id}"`);
    return m;
  };
  return estimateRun({
    specs,
    ...(weightOf ? { weightOf } : {}),
    caller,
    priceOf: (id, usage) => costOf(model(id), usage),
    limits: (id) => ({ ...limitsOf(limits, model(id).modelClass), ...learned(model(id).modelClass) }),
    modelClassOf: (id) => model(id).modelClass,
    ...(signal ? { signal } : {}),
  });
}
