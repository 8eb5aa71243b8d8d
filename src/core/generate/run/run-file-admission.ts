import { pendingMessageBatches } from '../../message-batches/pending-batches';
import type { RunMessageBatches } from '../../message-batches/run-message-batches';
import type { RunCache } from '../cache/run-cache';
import type { PromptFile } from '../types';
import { BatchPlan } from './batch-plan';
import { messageBatchHooks, type MessageBatchWriter } from './message-batch-hooks';
import type { ModelPricing } from './model-pricing';
import type { RunDatasets } from './run-datasets';
import { jobFor, type ConversationJob } from './run-jobs';
import type { RunPlans } from './run-plans';
import type { BatchProgress, GenerationRunOptions } from './run-types';
import type { SpendTracker } from './spend-tracker';

export interface FileAdmissionInput {
  options: GenerationRunOptions;
  datasets: RunDatasets;
  plans: RunPlans;
  messageBatches: RunMessageBatches;
  pricing: ModelPricing;
  cache: RunCache;
  spend: SpendTracker;
  batches: Map<string, BatchProgress>;
  batchFiles: Map<string, PromptFile>;
  /** Batch-mode files' plans: what is left of them, for the estimate only (Message Batches send them). */
  messageBatchPlans: BatchPlan[];
  /** A conversation was committed (the run's `written` event). */
  written: (job: ConversationJob, batch: BatchProgress) => void;
}

/**
 * Opens the datasets of `files` (refusing them all if one is refused, see RunDatasets.check), and
 * gives each file its place in the run: online files a plan for the queue, batch-mode files a
 * Message Batches runner. Returns each file's progress, registered in `batches`.
 */
export async function admitFiles(i: FileAdmissionInput, files: readonly PromptFile[]): Promise<BatchProgress[]> {
  const checked = await i.datasets.check(files, (name) => i.batches.has(name));
  const added: BatchProgress[] = [];
  for (const { file, model, datasetPath, writer } of checked) {
    const plan = new BatchPlan(file, model, writer, i.options.retryFailed ?? false);
    // Batches an earlier run left at Anthropic are collected whatever the mode asked now: they are paid for.
    const leftOver = i.options.messageBatches ? pendingMessageBatches(datasetPath, file.name) : 0;
    const mode = leftOver > 0 ? 'batch' : (i.options.mode ?? file.mode ?? 'online');
    const batch: BatchProgress = {
      mode,
      id: file.name,
      sourceFile: file.path,
      datasetPath,
      priority: file.priority,
      total: file.count,
      skipped: plan.skippedDone,
      skippedFailed: plan.skippedFailed,
      generated: 0,
      failed: 0,
      control: 'active',
    };
    i.batches.set(batch.id, batch);
    i.batchFiles.set(batch.id, file);
    if (mode === 'batch') {
      // Not dispatched online, but estimated like the rest: the spend guard must see batch files too.
      i.messageBatchPlans.push(plan);
      await addMessageBatchFile(i, file, batch, writer);
      added.push(batch);
      continue;
    }
    plan.cacheFor = (spec) => i.cache.settingsFor(spec);
    i.plans.add(plan);
    added.push(batch);
  }
  return added;
}

async function addMessageBatchFile(
  i: FileAdmissionInput,
  file: PromptFile,
  batch: BatchProgress,
  writer: MessageBatchWriter,
): Promise<void> {
  await i.messageBatches.add(
    file,
    messageBatchHooks({
      file,
      batch,
      writer,
      retryFailed: i.options.retryFailed ?? false,
      pricing: i.pricing,
      datasets: i.datasets,
      cache: i.cache,
      budget: i.spend.messageBatchBudget(),
      written: (spec) => {
        const job = jobFor(spec, i.pricing.model(spec.model), i.options.clock.now());
        job.state = 'succeeded';
        i.written(job, batch);
      },
    }),
  );
}
