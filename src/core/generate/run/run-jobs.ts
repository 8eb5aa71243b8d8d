import type { ModelInfo } from '../../models';
import type { Job } from '../../queue/types';
import { createConversationJobData, initialEstimate, type ConversationJobData } from '../strategies/executor';
import type { ConversationSpec } from '../types';

export type ConversationJob = Job<ConversationJobData>;

/** One queue job per conversation still to generate. */
export function jobFor(spec: ConversationSpec, model: ModelInfo, now: number, inputTokens?: number): ConversationJob {
  return {
    id: spec.id,
    batchId: spec.batch,
    priority: spec.priority,
    model: spec.model,
    modelClass: model.modelClass,
    next: initialEstimate(spec, inputTokens),
    attempts: 0,
    steps: 0,
    state: 'queued',
    enqueuedAt: now,
    data: createConversationJobData(spec),
  };
}
