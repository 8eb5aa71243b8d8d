import { ForgeError } from '../../errors';
import { costOf, estimateCost, resolveModel, type CostOptions, type ModelInfo, type ModelOverrides } from '../../models';
import type { RequestEstimate } from '../../queue/types';
import type { Usage } from '../../usage';
import type { ConversationJob } from './run-jobs';

/** Model lookups and prices for a run, with the user's overrides applied. */
export class ModelPricing {
  constructor(private readonly overrides: ModelOverrides = {}) {}

  model(id: string): ModelInfo {
    const model = resolveModel(id, this.overrides);
    if (!model) throw new ForgeError('not_found', `unknown model "${id}"`);
    return model;
  }

  costUsd(modelId: string, usage: Usage): number {
    return costOf(this.model(modelId), usage);
  }

  /**
   * The most the job's next request can cost: all of max_tokens, and its input estimate, where a
   * request using the prompt cache pays the predicted reads at the read price and, at worst, a cache
   * write at its TTL's price for all the rest.
   */
  upperBoundUsd(job: ConversationJob): number {
    return this.upperBoundOf(job.model, job.next);
  }

  /** upperBoundUsd for a request estimate; `batch` prices it as a Message Batch request. */
  upperBoundOf(modelId: string, next: RequestEstimate, options: CostOptions = {}): number {
    const model = this.model(modelId);
    if (!next.cache) return estimateCost(model, { inputTokens: next.inputTokens, outputTokens: next.maxTokens }, options);
    return estimateCost(
      model,
      {
        inputTokens: 0,
        outputTokens: next.maxTokens,
        cacheCreationInputTokens: next.inputTokens,
        ...(next.cache.ttl === '1h' ? { cacheCreation1hInputTokens: next.inputTokens } : {}),
        cacheReadInputTokens: next.cache.readTokens,
      },
      options,
    );
  }

  /** The model's shortest cacheable prefix (the table's, or the user's override). */
  minCacheTokens(modelId: string): number {
    return this.model(modelId).minCacheTokens;
  }
}
