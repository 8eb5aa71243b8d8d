import { classify, type ClassifiedError } from '../../errors';
import type { Conversation, PromptFile } from '../types';
import type { ModelPricing } from './model-pricing';
import type { RunDatasets } from './run-datasets';
import type { ConversationJob } from './run-jobs';
import type { BatchProgress } from './run-types';

export interface RunConversationsInput {
  datasets: RunDatasets;
  pricing: ModelPricing;
  batches: ReadonlyMap<string, BatchProgress>;
  batchFiles: ReadonlyMap<string, PromptFile>;
  requireBatch: (batchId: string) => BatchProgress;
  /** Requests sent for a conversation (the spend tracker counts them); forgets it. */
  takeRequests: (jobId: string) => number | undefined;
  /** A conversation was committed (the run's `written` event). */
  written: (job: ConversationJob, batch: BatchProgress) => void;
  /** A dataset write failed: the run stops. */
  writeFailed: (error: ClassifiedError) => void;
}

/** Where the online requests' results go: finished conversations to their datasets, failures to the failures files. */
export class RunConversations {
  constructor(private readonly i: RunConversationsInput) {}

  /**
   * Commits a finished conversation behind the request that produced it: the writer keeps call
   * order, close() waits for every pending write, and a write that fails stops the run (the
   * conversation stays unwritten, so a re-run generates it again).
   */
  storeInBackground(conversation: Conversation, job: ConversationJob): void {
    this.i.datasets.track(this.store(conversation, job).catch((e: unknown) => this.i.writeFailed(classify(e))));
  }

  /** The same commit awaited inside the request's slot: the old way, for the bench only (GenerationRunOptions.writeInSlot). */
  storeInSlot(conversation: Conversation, job: ConversationJob): Promise<void> {
    return this.store(conversation, job).catch((e: unknown) => this.i.writeFailed(classify(e)));
  }

  private async store(conversation: Conversation, job: ConversationJob): Promise<void> {
    const batch = this.i.requireBatch(job.batchId);
    const file = this.i.batchFiles.get(job.batchId)!;
    const spec = job.data.spec;
    const written = await this.i.datasets.commit(batch.datasetPath, file, conversation, {
      id: job.id,
      index: spec.index,
      sourceFile: spec.sourceFile,
      variables: spec.variables,
      ...(spec.variation !== undefined ? { variation: spec.variation } : {}),
      model: spec.model,
      usage: job.data.usage,
      costUsd: this.i.pricing.costUsd(spec.model, job.data.usage),
      attempts: this.i.takeRequests(job.id) ?? 1,
      batch: file.name,
      promptHash: file.promptHash,
    });
    if (written) {
      batch.generated++;
      this.i.written(job, batch);
    }
  }

  recordFailure(job: ConversationJob, error: ClassifiedError, requests: number): void {
    const batch = this.i.batches.get(job.batchId);
    if (!batch) return;
    batch.failed++;
    const spec = job.data.spec;
    this.i.datasets.recordFailure(batch.datasetPath, {
      id: job.id,
      index: spec.index,
      sourceFile: spec.sourceFile,
      kind: error.kind,
      reason: error.message,
      attempts: requests,
      ...(error.rejected ? { rejected: error.rejected } : {}),
    });
  }
}
