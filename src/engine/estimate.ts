import type { ModelCaller } from '../core/api/types';
import { estimateRun, type RunEstimate } from '../core/generate/estimate';
import { approxPromptTokens } from '../core/generate/estimate/approx-tokens';
import { expandConversations } from '../core/generate/prompt-file';
import { ModelPricing } from '../core/generate/run/model-pricing';
import type { ConversationSpec, GenerationMode, PromptFile } from '../core/generate/types';
import { costOf } from '../core/models';
import type { Limits } from '../core/limiter/types';
import { limitsOf, type EngineSettings } from './assemble';
import { estimateValueRequests, withValueRequests } from '../core/generate/values/estimate-values';

/** Counts prompt tokens locally (about four characters a token): instant, no endpoint needed. */
export const localCounter: Pick<ModelCaller, 'countTokens'> = {
  countTokens: async (request) => approxPromptTokens(request),
};

/** Limits the API reported for a model class (a run's learned limits), winning over the configured ones. */
export type LearnedLimits = (modelClass: string) => Partial<Limits>;

export interface EstimateRequest {
  /** The conversations to estimate (`conversationsOf(files)` for whole prompt files). */
  specs: readonly ConversationSpec[];
  settings: EngineSettings;
  /** count_tokens through an endpoint (the run's own caller); default: the local counter. */
  caller?: Pick<ModelCaller, 'countTokens'>;
  learned?: LearnedLimits;
  /** How many conversations a spec stands for (an even sample of a large run). */
  weightOf?: (spec: ConversationSpec) => number;
  /** Specs of files that run as Message Batches: priced at batch rates, outside the rate limits. */
  isMessageBatch?: (spec: ConversationSpec) => boolean;
  signal?: AbortSignal;
}

/** Which specs run as Message Batches: `mode` for all of them when given, else each file's `mode`. */
export function messageBatchSpecs(files: readonly PromptFile[], mode?: GenerationMode): (spec: ConversationSpec) => boolean {
  const batch = new Set(files.filter((f) => (mode ?? f.mode ?? 'online') === 'batch').map((f) => f.path));
  return (spec) => batch.has(spec.sourceFile);
}

export function conversationsOf(files: readonly PromptFile[]): ConversationSpec[] {
  return files.flatMap((f) => expandConversations(f));
}

/**
 * What conversations will cost and how long the rate limits make them take, priced as a run
 * assembled from the same settings prices them (its model overrides included) and paced at the
 * settings' limits, or at the limits the API reported where `learned` knows them. Both front ends
 * estimate only through here.
 */
export function estimateConversations(request: EstimateRequest): Promise<RunEstimate> {
  const { settings } = request;
  const pricing = new ModelPricing(settings.modelOverrides);
  const learned = request.learned ?? (() => ({}));
  const classOf = (id: string) => pricing.model(id).modelClass;
  return estimateRun({
    specs: request.specs,
    caller: request.caller ?? localCounter,
    priceOf: (id, usage, batch) => costOf(pricing.model(id), usage, { batch: batch ?? false }),
    ...(request.isMessageBatch ? { isMessageBatch: request.isMessageBatch } : {}),
    limits: (id) => ({ ...limitsOf(settings.limits, classOf(id)), ...learned(classOf(id)) }),
    modelClassOf: classOf,
    minCacheTokens: (id) => pricing.minCacheTokens(id),
    ...(request.weightOf ? { weightOf: request.weightOf } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

/**
 * Whole prompt files: their conversations, plus the requests that generate variable values they
 * still lack (values/estimate-values.ts), priced the same way.
 */
export async function estimateFiles(
  request: Omit<EstimateRequest, 'specs' | 'weightOf'> & { files: readonly PromptFile[] },
): Promise<RunEstimate> {
  const { files, ...rest } = request;
  const pricing = new ModelPricing(request.settings.modelOverrides);
  const estimate = await estimateConversations({ ...rest, specs: conversationsOf(files) });
  return withValueRequests(
    estimate,
    estimateValueRequests(files, (id, usage) => pricing.costUsd(id, usage)),
  );
}
