import { ForgeError, type ClassifiedError } from '../../errors';
import type { LimiterSnapshot } from '../../limiter/types';
import { createMetrics, type Metrics } from '../../metrics/metrics';
import { QueueProcessor } from '../../queue/processor';
import { TypedEmitter, type Disposable } from '../../queue/typed-emitter';
import type { Priority } from '../../queue/types';
import { planResume } from '../output';
import { expandConversations } from '../prompt-file';
import { createConversationExecutor, type ConversationJobData } from '../strategies/executor';
import type { Conversation, PromptFile } from '../types';
import { ModelPricing } from './model-pricing';
import { jobFor, type ConversationJob } from './run-jobs';
import { buildSummary } from './run-summary';
import type { BatchProgress, GenerationRunOptions, JobFilter, RunEvents, RunSnapshot, RunState, RunSummary } from './run-types';

export type { GenerationRunOptions, JobFilter, RunEvents } from './run-types';
import { BatchHolds } from './batch-holds';
import { RunDatasets } from './run-datasets';
import { paceAtLearnedLimits } from './learned-pace';
import { RunForecast, type EstimateFigures } from './run-forecast';
import { SpendTracker } from './spend-tracker';

/**
 * One generation run over prompt files: datasets opened (and repaired) first, finished work
 * skipped, the rest queued, every conversation committed to its dataset before it counts as done.
 * The CLI and the extension both drive this object.
 */
export class GenerationRun implements Disposable {
  readonly processor: QueueProcessor<ConversationJobData>;
  readonly metrics: Metrics;
  private readonly events = new TypedEmitter<RunEvents>();
  private readonly batches = new Map<string, BatchProgress>();
  private readonly batchFiles = new Map<string, PromptFile>();
  private readonly jobs: ConversationJob[] = [];
  private readonly holds: BatchHolds;
  private readonly pricing: ModelPricing;
  private readonly datasets: RunDatasets;
  private readonly spend: SpendTracker;
  private readonly subscriptions: Disposable[] = [];
  private current: RunState = 'ready';
  private startedAt?: number;
  private finishedAt?: number;
  private stopError?: ClassifiedError;
  private disposed = false;

  private constructor(private readonly options: GenerationRunOptions) {
    this.pricing = new ModelPricing(options.modelOverrides);
    this.datasets = new RunDatasets(options, this.pricing);
    const executor = createConversationExecutor({
      caller: options.caller,
      onConversation: (conversation, job) => this.store(conversation, job),
    });
    const random = options.random ?? Math.random;
    this.processor = new QueueProcessor<ConversationJobData>({
      clock: options.clock,
      limiter: options.limiter,
      executor,
      backoff: { baseMs: options.backoff?.baseMs ?? 500, maxMs: options.backoff?.maxMs ?? 60_000, jitter: random },
      ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      budget: { wouldExceed: (job) => this.spend.wouldExceed(job) },
    });
    this.holds = new BatchHolds(this.processor);
    this.metrics = createMetrics({
      clock: options.clock,
      processor: this.processor,
      costOf: (job, usage) => this.pricing.costUsd(job.model, usage),
    });
    this.spend = new SpendTracker(options.budgetUsd, this.pricing, this.processor, (job, error, requests) =>
      this.recordFailure(job, error, requests),
    );
    this.subscriptions.push(
      this.spend,
      this.processor.on('stopped', ({ error }) => {
        this.stopError ??= error;
      }),
    );
  }

  /** Opens the datasets of `files` (taking their locks and repairing torn tails) and plans the work. */
  static async open(files: readonly PromptFile[], options: GenerationRunOptions): Promise<GenerationRun> {
    const run = new GenerationRun(options);
    try {
      await run.addFiles(files);
    } catch (error) {
      await run.datasets.close();
      run.dispose();
      throw error;
    }
    return run;
  }

  get state(): RunState {
    return this.current;
  }

  on<K extends keyof RunEvents>(type: K, listener: (event: RunEvents[K]) => void): Disposable {
    return this.events.on(type, listener);
  }

  /**
   * Adds prompt files to this run (a run started while another runs joins it, behind it at its
   * priority). A file whose batch is already part of the run is refused, and so is one whose dataset
   * holds conversations of an earlier version of its batch unless `allowNewVersion` (version-guard.ts).
   * A refusal adds none of `files`.
   */
  async addFiles(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    const checked = await this.datasets.check(files, (name) => this.batches.has(name));
    const added: BatchProgress[] = [];
    const newJobs: ConversationJob[] = [];
    for (const { file, model, datasetPath, writer } of checked) {
      const specs = expandConversations(file);
      const plan = planResume(specs, writer, { retryFailed: this.options.retryFailed ?? false });
      const batch: BatchProgress = {
        id: file.name,
        sourceFile: file.path,
        datasetPath,
        priority: file.priority,
        total: specs.length,
        skipped: plan.skippedDone,
        skippedFailed: plan.skippedFailed,
        generated: 0,
        failed: 0,
        held: false,
      };
      this.batches.set(batch.id, batch);
      this.batchFiles.set(batch.id, file);
      const now = this.options.clock.now();
      for (const spec of plan.todo) newJobs.push(jobFor(spec, model, now));
      added.push(batch);
    }
    this.jobs.push(...newJobs);
    this.events.emit('batches', { batches: added });
    if (this.current === 'running' || this.current === 'paused') this.processor.add(newJobs);
    else this.pendingStart.push(...newJobs);
    return added;
  }

  private readonly pendingStart: ConversationJob[] = [];
  private readonly forecast = new RunForecast();

  /**
   * A pre-run estimate of (some of) this run's work: its cost is shown beside the spend; its
   * demand, at the limits the server reports, starts the ETA (see learned-pace.ts).
   */
  addEstimate(estimate: EstimateFigures): void {
    this.forecast.add(estimate);
  }

  /** Starts dispatching; resolves when every job is done or failed, or the run stopped or was cancelled. */
  async start(): Promise<RunSummary> {
    if (this.current !== 'ready') throw new Error(`Expected the run to be ready, but it is ${this.current}`);
    this.current = 'running';
    this.startedAt = this.options.clock.now();
    const jobs = this.pendingStart.splice(0);
    if (jobs.length > 0) this.processor.add(jobs);
    for (;;) {
      await this.processor.onIdle();
      if (this.processor.state === 'stopped' || this.holds.empty) break;
      // Batches held by pauseBatch keep the run open until they are resumed or cancelled.
      await this.holds.changed();
    }
    await this.datasets.close();
    const stop = this.stopError ?? this.processor.stats.stopError ?? this.datasets.writeError;
    this.current = stop?.kind === 'cancelled' ? 'cancelled' : stop ? 'stopped' : 'finished';
    if (stop) this.stopError = stop;
    this.finishedAt = this.options.clock.now();
    const summary = this.summary();
    this.events.emit('finished', { summary });
    return summary;
  }

  pause(): void {
    if (this.current !== 'running') return;
    this.processor.pause();
    this.current = 'paused';
  }

  resume(): void {
    if (this.current !== 'paused') return;
    this.processor.resume();
    this.current = 'running';
  }

  /** Stops dispatching and aborts requests in flight; unfinished conversations are picked up by a re-run. */
  cancel(): void {
    if (this.current === 'finished' || this.current === 'stopped' || this.current === 'cancelled') return;
    if (this.current === 'ready') {
      this.current = 'running';
      void this.start();
    }
    this.processor.cancel();
    this.holds.drop();
  }

  /** Takes a batch's queued jobs out of dispatch; in-flight requests finish. */
  pauseBatch(batchId: string): number {
    this.requireBatch(batchId).held = true;
    return this.holds.hold(batchId, this.jobs);
  }

  resumeBatch(batchId: string): number {
    this.requireBatch(batchId).held = false;
    return this.holds.release(batchId);
  }

  /** Drops a batch from this run: its unfinished conversations stay unwritten for a later run. */
  cancelBatch(batchId: string): number {
    const n = this.pauseBatch(batchId);
    this.holds.drop(batchId);
    return n;
  }

  setBatchPriority(batchId: string, priority: Priority): number {
    this.requireBatch(batchId).priority = priority;
    for (const job of this.holds.heldJobs(batchId)) job.priority = priority;
    return this.processor.changePriority({ batchId }, priority);
  }

  /** A page of jobs in creation order, for grids that must not hold 100,000 rows. */
  listJobs(offset: number, limit: number, filter: JobFilter = {}): { total: number; jobs: ConversationJob[] } {
    const matching = this.jobs.filter(
      (j) => (filter.state === undefined || j.state === filter.state) && (filter.batchId === undefined || j.batchId === filter.batchId),
    );
    return { total: matching.length, jobs: matching.slice(offset, offset + limit) };
  }

  listBatches(): BatchProgress[] {
    return [...this.batches.values()];
  }

  async snapshot(): Promise<RunSnapshot> {
    const classes = [...new Set(this.jobs.map((j) => j.modelClass))];
    const limiters: LimiterSnapshot[] = await Promise.all(classes.map((c) => this.options.limiter.snapshot(c)));
    this.metrics.setExpectedRate(paceAtLearnedLimits(this.forecast.demand, limiters));
    return {
      state: this.current,
      simulated: this.options.simulated ?? false,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      batches: this.listBatches().map((b) => ({ ...b })),
      metrics: this.metrics.snapshot(),
      limiters,
      ...(this.options.budgetUsd !== undefined ? { budgetUsd: this.options.budgetUsd } : {}),
      ...(this.forecast.costUsd !== undefined ? { estimateUsd: this.forecast.costUsd } : {}),
    };
  }

  summary(): RunSummary {
    return buildSummary({
      state: this.current,
      batches: this.listBatches(),
      metrics: this.metrics.snapshot(),
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      endedAt: this.finishedAt ?? this.options.clock.now(),
      ...(this.stopError ? { stopError: this.stopError } : {}),
    });
  }

  /**
   * Flushes and unlocks the datasets, then disposes. For a run that ends without start() (an
   * estimate failed, the user backed out): dispose() alone unlocks only in the background.
   */
  async close(): Promise<void> {
    await this.datasets.close();
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.metrics.dispose();
    this.processor.dispose();
    this.events.dispose();
    this.datasets.dispose();
  }

  private async store(conversation: Conversation, job: ConversationJob): Promise<void> {
    const batch = this.requireBatch(job.batchId);
    const file = this.batchFiles.get(job.batchId)!;
    const spec = job.data.spec;
    const written = await this.datasets.commit(batch.datasetPath, file, conversation, {
      id: job.id,
      index: spec.index,
      sourceFile: spec.sourceFile,
      variables: spec.variables,
      model: spec.model,
      usage: job.data.usage,
      costUsd: this.pricing.costUsd(spec.model, job.data.usage),
      attempts: this.spend.takeRequests(job.id) ?? 1,
      batch: file.name,
      promptHash: file.promptHash,
    });
    if (written) {
      batch.generated++;
      this.events.emit('written', { job, batch });
    }
  }

  private recordFailure(job: ConversationJob, error: ClassifiedError, requests: number): void {
    const batch = this.batches.get(job.batchId);
    if (!batch) return;
    batch.failed++;
    const spec = job.data.spec;
    this.datasets.recordFailure(batch.datasetPath, {
      id: job.id,
      index: spec.index,
      sourceFile: spec.sourceFile,
      kind: error.kind,
      reason: error.message,
      attempts: requests,
    });
  }

  private requireBatch(batchId: string): BatchProgress {
    const batch = this.batches.get(batchId);
    if (!batch) throw new ForgeError('invalid_request', `no batch "${batchId}" in this run`);
    return batch;
  }
}
