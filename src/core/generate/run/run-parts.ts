import type { BatchPlan } from './batch-plan';
import type { ClassifiedError } from '../../errors';
import { createMetrics, type Metrics } from '../../metrics/metrics';
import { resolveModel } from '../../models';
import { RunMessageBatches } from '../../message-batches/run-message-batches';
import { eventLoopLoad } from '../../queue/machine-capacity';
import { QueueProcessor } from '../../queue/processor';
import type { Disposable } from '../../queue/typed-emitter';
import { RunCache } from '../cache/run-cache';
import { watchProcessor } from '../cache/cache-outlook';
import { createConversationExecutor, type ConversationJobData } from '../strategies/executor';
import type { PromptFile } from '../types';
import { ModelPricing } from './model-pricing';
import { RunConversations } from './run-conversations';
import { RunDatasets } from './run-datasets';
import type { FileAdmissionInput } from './run-file-admission';
import type { RunForecast } from './run-forecast';
import type { ConversationJob } from './run-jobs';
import { RunPlans } from './run-plans';
import type { BatchProgress, GenerationRunOptions } from './run-types';
import { SpendTracker } from './spend-tracker';
import { messageBatchWorkOf } from './message-batch-work';
import { StepProgress } from './step-progress';

/** What the parts need of the run that holds them. */
export interface RunLink {
  readonly batches: Map<string, BatchProgress>;
  readonly batchFiles: Map<string, PromptFile>;
  readonly messageBatchPlans: BatchPlan[];
  readonly forecast: RunForecast;
  requireBatch(batchId: string): BatchProgress;
  /** The run's `written` event. */
  written(job: ConversationJob, batch: BatchProgress): void;
  /** Why the run stops (the first reason is kept). */
  keepStop(error: ClassifiedError): void;
}

export interface RunParts {
  readonly pricing: ModelPricing;
  readonly datasets: RunDatasets;
  readonly cache: RunCache;
  readonly messageBatches: RunMessageBatches;
  readonly processor: QueueProcessor<ConversationJobData>;
  readonly plans: RunPlans;
  readonly steps: StepProgress;
  readonly metrics: Metrics;
  readonly spend: SpendTracker;
  readonly conversations: RunConversations;
  readonly admission: FileAdmissionInput;
  readonly load: ReturnType<typeof eventLoopLoad>;
  /** Live as long as the run. */
  readonly subscriptions: Disposable[];
}

/** Builds the parts of a run from its options and wires them to each other. */
export function buildRunParts(options: GenerationRunOptions, link: RunLink): RunParts {
  const load = eventLoopLoad();
  const pricing = new ModelPricing(options.modelOverrides);
  const datasets = new RunDatasets(options, pricing);
  const cache = new RunCache({
    clock: options.clock,
    minTokens: (model) => pricing.minCacheTokens(model),
    // a model the table lacks is refused before the run; here it only means no plan
    model: (model) => resolveModel(model, options.modelOverrides ?? {}),
  });
  // One attempt cap for both paths: --max-attempts counts Message Batch rounds as it counts online retries.
  const mb = options.messageBatches;
  const maxAttempts = mb?.maxAttempts ?? options.maxAttempts;
  const messageBatches = new RunMessageBatches(options.clock, mb && maxAttempts !== undefined ? { ...mb, maxAttempts } : mb);
  const executor = createConversationExecutor({
    caller: options.caller,
    cache,
    // Not awaited: the write runs while the job's slot and permit go to the next request.
    onConversation: options.writeInSlot
      ? (conversation, job) => conversations.storeInSlot(conversation, job)
      : (conversation, job) => conversations.storeInBackground(conversation, job),
  });
  const random = options.random ?? Math.random;
  const processor = new QueueProcessor<ConversationJobData>({
    clock: options.clock,
    limiter: options.limiter,
    executor,
    backoff: { baseMs: options.backoff?.baseMs ?? 500, maxMs: options.backoff?.maxMs ?? 60_000, jitter: random },
    ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.outage ? { outage: options.outage } : {}),
    budget: { wouldExceed: (job) => spend.wouldExceed(job), reason: () => spend.reason() },
    load,
  });
  const plans = new RunPlans(processor, options.clock);
  const steps = new StepProgress({
    clock: options.clock,
    processor,
    plans: () => plans.all(),
    demandOf: (file) => link.forecast.stepDemand(file),
    messageBatches: () => messageBatchWorkOf(messageBatches.snapshots()),
  });
  const metrics = createMetrics({
    clock: options.clock,
    processor,
    unqueued: () => plans.unqueued(),
    eta: () => steps.progress().etaMs,
    costOf: (job, usage) => pricing.costUsd(job.model, usage),
  });
  const spend = new SpendTracker(options.budgetUsd, pricing, processor, (job, error, requests) =>
    conversations.recordFailure(job, error, requests),
  );
  const written = (job: ConversationJob, batch: BatchProgress) => link.written(job, batch);
  const conversations = new RunConversations({
    datasets,
    pricing,
    batches: link.batches,
    batchFiles: link.batchFiles,
    requireBatch: (id) => link.requireBatch(id),
    takeRequests: (id) => spend.takeRequests(id),
    written,
    writeFailed: (error) => {
      link.keepStop(error);
      processor.halt(error);
    },
  });
  const admission: FileAdmissionInput = {
    options,
    datasets,
    plans,
    messageBatches,
    pricing,
    cache,
    spend,
    batches: link.batches,
    batchFiles: link.batchFiles,
    messageBatchPlans: link.messageBatchPlans,
    written,
  };
  const subscriptions: Disposable[] = [
    steps,
    spend,
    processor.on('stopped', ({ error }) => link.keepStop(error)),
    watchProcessor(processor, cache.outlook, () => options.clock.now()),
    processor.on('succeeded', ({ job }) => plans.finished(job)),
    processor.on('failed', ({ job }) => plans.finished(job)),
    processor.on('cancelled', ({ job }) => plans.finished(job)),
  ];
  return {
    pricing,
    datasets,
    cache,
    messageBatches,
    processor,
    plans,
    steps,
    metrics,
    spend,
    conversations,
    admission,
    load,
    subscriptions,
  };
}

/** Disposes what buildRunParts made, in the order the run always did. */
export function disposeRunParts(parts: RunParts): void {
  for (const s of parts.subscriptions) s.dispose();
  parts.metrics.dispose();
  parts.processor.dispose();
  parts.load.dispose();
  parts.messageBatches.dispose();
  parts.datasets.dispose();
}
