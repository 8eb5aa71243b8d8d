import { ForgeError } from '../../errors';
import { costOf, estimateCost, resolveModel, type ModelInfo, type ModelOverrides } from '../../models';
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

  /** The most the job's next request can cost: its input estimate and all of max_tokens. */
  upperBoundUsd(job: ConversationJob): number {
    return estimateCost(this.model(job.model), { inputTokens: job.next.inputTokens, outputTokens: job.next.maxTokens });
  }
}
