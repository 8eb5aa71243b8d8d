import type { ModelInfo } from '../../models';
import type { Job } from '../../queue/types';
import { createConversationJobData, initialEstimate, type ConversationJobData } from '../strategies/executor';
import type { CacheSettings } from '../strategies/cache-layout';
import type { ConversationSpec } from '../types';

export type ConversationJob = Job<ConversationJobData>;

/** One queue job per conversation still to generate. */
/** `cache`: how the first request will use the prompt cache (its estimate leaves out predicted reads). */
export function jobFor(
  spec: ConversationSpec,
  model: ModelInfo,
  now: number,
  inputTokens?: number,
  cache?: CacheSettings,
): ConversationJob {
  return {
    id: spec.id,
    batchId: spec.batch,
    priority: spec.priority,
    model: spec.model,
    modelClass: model.modelClass,
    next: initialEstimate(spec, inputTokens, cache),
    attempts: 0,
    steps: 0,
    state: 'queued',
    enqueuedAt: now,
    data: createConversationJobData(spec),
  };
}
