import type { MessageBatchFileHooks } from '../../message-batches/run-message-batches';
import { costOf } from '../../models';
import type { MessageBatchBudget } from '../../message-batches/message-batch-budget';
import { approxPromptTokens } from '../estimate/approx-tokens';
import type { RunCache } from '../cache/run-cache';
import type { ConversationSpec, PromptFile } from '../types';
import type { ModelPricing } from './model-pricing';
import type { RunDatasets } from './run-datasets';
import type { BatchProgress } from './run-types';

/** What a batch-mode file needs of its dataset writer. */
export interface MessageBatchWriter {
  isDone(id: string): boolean;
  failed(): Map<string, unknown>;
}

export interface MessageBatchHookInput {
  file: PromptFile;
  batch: BatchProgress;
  writer: MessageBatchWriter;
  retryFailed: boolean;
  pricing: ModelPricing;
  datasets: RunDatasets;
  cache: RunCache;
  /** The run's budget and ceiling (spend-tracker.ts). */
  budget: MessageBatchBudget;
  /** A conversation was committed (the run's `written` event). */
  written: (spec: ConversationSpec) => void;
}

/**
 * How a batch-mode file's Message Batches reach the run: the same dataset writer, journal and
 * failures file as online results, records priced at batch rates, and the file's progress counted.
 */
export function messageBatchHooks(i: MessageBatchHookInput): MessageBatchFileHooks {
  const { file, batch, writer, pricing, datasets } = i;
  const failed = i.retryFailed ? new Set<string>() : new Set(writer.failed().keys());
  const batchCost = (model: string, usage: Parameters<typeof costOf>[1]) => costOf(pricing.model(model), usage, { batch: true });
  return {
    datasetPath: batch.datasetPath,
    sourceFile: file.path,
    isDone: (id) => writer.isDone(id),
    isFailed: (id) => failed.has(id),
    costUsd: batchCost,
    cacheFor: (spec) => i.cache.messageBatchSettingsFor(spec),
    budget: i.budget,
    // As online: estimated input (all of it a cache write when the request caches) and all of max_tokens out, at batch prices.
    worstCaseUsd: (params) =>
      pricing.upperBoundOf(
        params.model,
        {
          inputTokens: approxPromptTokens(params),
          maxTokens: params.maxTokens,
          ...(params.cache ? { cache: { readTokens: 0, ttl: params.cache.ttl } } : {}),
        },
        { batch: true },
      ),
    commit: async (spec, conversation, usage, attempts) => {
      const written = await datasets.commit(batch.datasetPath, file, conversation, {
        id: spec.id,
        index: spec.index,
        sourceFile: spec.sourceFile,
        variables: spec.variables,
        ...(spec.variation !== undefined ? { variation: spec.variation } : {}),
        model: spec.model,
        usage,
        costUsd: batchCost(spec.model, usage),
        attempts,
        batch: file.name,
        promptHash: file.promptHash,
      });
      if (written) {
        batch.generated++;
        i.written(spec);
      }
      return written;
    },
    recordFailure: async (spec, kind, reason, attempts, rejected) => {
      failed.add(spec.id);
      batch.failed++;
      const { id, index, sourceFile } = spec;
      await datasets.failNow(batch.datasetPath, { id, index, sourceFile, kind, reason, attempts, ...(rejected ? { rejected } : {}) });
    },
  };
}
