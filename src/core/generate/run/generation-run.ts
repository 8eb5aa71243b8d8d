import type { ModelCaller } from '../../api/types';
import type { Clock } from '../../clock';
import { ForgeError, type ClassifiedError } from '../../errors';
import type { LimiterSnapshot, RateLimiter } from '../../limiter/types';
import { createMetrics, type Metrics } from '../../metrics/metrics';
import { costOf, estimateCost, resolveModel, type ModelInfo, type ModelOverrides } from '../../models';
import { QueueProcessor } from '../../queue/processor';
import { TypedEmitter, type Disposable } from '../../queue/typed-emitter';
import type { Priority } from '../../queue/types';
import { ZERO_USAGE, type Usage } from '../../usage';
import { formatRecord, openDataset, planResume, type DatasetWriter, type FsyncPolicy } from '../output';
import { expandConversations } from '../prompt-file';
import { createConversationExecutor, type ConversationJobData } from '../strategies/executor';
import type { Conversation, PromptFile } from '../types';
import { BudgetGuard } from './budget-guard';
import { datasetPathFor } from './dataset-path';
import { jobFor, type ConversationJob } from './run-jobs';
import type { BatchProgress, RunSnapshot, RunState, RunSummary } from './run-types';
import { guardPromptVersion } from './version-guard';

export interface GenerationRunOptions {
  clock: Clock;
  caller: ModelCaller;
  limiter: RateLimiter;
  outDir?: string;
  /** A dry run against the simulator: datasets are written as `x.simulated.jsonl`. */
  simulated?: boolean;
  retryFailed?: boolean;
  maxConcurrency?: number;
  maxAttempts?: number;
  budgetUsd?: number;
  modelOverrides?: ModelOverrides;
  /** Jitter source for backoff; injected so tests are deterministic. */
  random?: () => number;
  backoff?: { baseMs: number; maxMs: number };
  fsync?: FsyncPolicy;
  /**
   * Generate a prompt file's new version into a dataset that holds conversations of an earlier
   * version of the same batch (CLI `--new-version`). Without it such a file is refused.
   */
  allowNewVersion?: boolean;
}

export interface RunEvents {
  /** A conversation was committed to its dataset. */
  written: { readonly job: ConversationJob; readonly batch: BatchProgress };
  /** Files were added to the run (also at open). */
  batches: { readonly batches: readonly BatchProgress[] };
  finished: { readonly summary: RunSummary };
}

export interface JobFilter {
  state?: ConversationJob['state'];
  batchId?: string;
}

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
  private readonly writers = new Map<string, DatasetWriter>();
  private readonly batchFiles = new Map<string, PromptFile>();
  private readonly jobs: ConversationJob[] = [];
  private readonly held = new Map<string, ConversationJob[]>();
  private readonly budget: BudgetGuard;
  private readonly reservations = new Map<string, number>();
  /** Requests sent per unfinished conversation, retries and turns included (recorded in the sidecar). */
  private readonly requestsSent = new Map<string, number>();
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private readonly subscriptions: Disposable[] = [];
  private current: RunState = 'ready';
  private startedAt?: number;
  private finishedAt?: number;
  private stopError?: ClassifiedError;
  private wake?: () => void;
  private disposed = false;

  private constructor(private readonly options: GenerationRunOptions) {
    this.budget = new BudgetGuard(options.budgetUsd);
    const executor = createConversationExecutor({
      caller: options.caller,
      onConversation: (conversation, job) => this.store(conversation, job),
    });
    const random = options.random ?? Math.random;
    this.processor = new QueueProcessor<ConversationJobData>({
      clock: options.clock,
      limiter: options.limiter,
      executor,
      backoff: { baseMs: options.backoff?.baseMs ?? 1000, maxMs: options.backoff?.maxMs ?? 60_000, jitter: random },
      ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      budget: { wouldExceed: (job) => this.budget.wouldExceed(this.upperBoundUsd(job)) },
    });
    this.metrics = createMetrics({
      clock: options.clock,
      processor: this.processor,
      costOf: (job, usage) => this.costUsd(job.model, usage),
    });
    this.trackSpend();
  }

  /** Opens the datasets of `files` (taking their locks and repairing torn tails) and plans the work. */
  static async open(files: readonly PromptFile[], options: GenerationRunOptions): Promise<GenerationRun> {
    const run = new GenerationRun(options);
    try {
      await run.addFiles(files);
    } catch (error) {
      await run.closeWriters();
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
    // Every file is checked (and its dataset opened) before any is added, so a refusal adds nothing.
    const checked: { file: PromptFile; model: ModelInfo; datasetPath: string; writer: DatasetWriter }[] = [];
    const openedNow: string[] = [];
    try {
      for (const file of files) {
        if (this.batches.has(file.name) || checked.some((c) => c.file.name === file.name)) {
          throw new ForgeError('invalid_request', `batch "${file.name}" (${file.path}) is already part of this run`);
        }
        const model = this.model(file.model);
        const datasetPath = datasetPathFor(file, {
          ...(this.options.outDir !== undefined ? { outDir: this.options.outDir } : {}),
          simulated: this.options.simulated ?? false,
        });
        let writer = this.writers.get(datasetPath);
        if (!writer) {
          writer = await openDataset({ datasetPath, clock: this.options.clock, ...(this.options.fsync ? { fsync: this.options.fsync } : {}) });
          this.writers.set(datasetPath, writer);
          openedNow.push(datasetPath);
        }
        guardPromptVersion(file, datasetPath, writer, this.options.allowNewVersion ?? false);
        checked.push({ file, model, datasetPath, writer });
      }
    } catch (error) {
      // Release the datasets this call opened (their locks too); those of batches already running stay.
      await Promise.allSettled(openedNow.map((p) => this.writers.get(p)!.close()));
      for (const p of openedNow) this.writers.delete(p);
      throw error;
    }
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
  private estimateUsd?: number;

  /** The pre-run estimate, shown beside what has been spent. */
  setEstimate(usd: number): void {
    this.estimateUsd = usd;
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
      if (this.processor.state === 'stopped' || this.held.size === 0) break;
      // Batches held by pauseBatch keep the run open until they are resumed or cancelled.
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await Promise.allSettled([...this.pendingWrites]);
    await this.closeWriters();
    const stop = this.stopError ?? this.processor.stats.stopError;
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
    this.held.clear();
    this.processor.cancel();
    this.wake?.();
  }

  /** Takes a batch's queued jobs out of dispatch; in-flight requests finish. */
  pauseBatch(batchId: string): number {
    const batch = this.requireBatch(batchId);
    const heldJobs = this.jobs.filter((j) => j.batchId === batchId && j.state === 'queued' && this.processor.remove(j.id));
    if (heldJobs.length > 0) this.held.set(batchId, [...(this.held.get(batchId) ?? []), ...heldJobs]);
    batch.held = true;
    return heldJobs.length;
  }

  resumeBatch(batchId: string): number {
    const batch = this.requireBatch(batchId);
    const jobs = this.held.get(batchId) ?? [];
    this.held.delete(batchId);
    batch.held = false;
    if (jobs.length > 0) this.processor.add(jobs);
    this.wake?.();
    return jobs.length;
  }

  /** Drops a batch from this run: its unfinished conversations stay unwritten for a later run. */
  cancelBatch(batchId: string): number {
    const n = this.pauseBatch(batchId);
    this.held.delete(batchId);
    this.wake?.();
    return n;
  }

  setBatchPriority(batchId: string, priority: Priority): number {
    const batch = this.requireBatch(batchId);
    batch.priority = priority;
    for (const job of this.held.get(batchId) ?? []) job.priority = priority;
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
    return {
      state: this.current,
      simulated: this.options.simulated ?? false,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      batches: this.listBatches().map((b) => ({ ...b })),
      metrics: this.metrics.snapshot(),
      limiters,
      ...(this.options.budgetUsd !== undefined ? { budgetUsd: this.options.budgetUsd } : {}),
      ...(this.estimateUsd !== undefined ? { estimateUsd: this.estimateUsd } : {}),
    };
  }

  summary(): RunSummary {
    const m = this.metrics.snapshot();
    const batches = this.listBatches();
    const sum = (f: (b: BatchProgress) => number) => batches.reduce((n, b) => n + f(b), 0);
    const generated = sum((b) => b.generated);
    const skipped = sum((b) => b.skipped);
    const failed = sum((b) => b.failed);
    const total = sum((b) => b.total);
    const end = this.finishedAt ?? this.options.clock.now();
    return {
      state: this.current,
      total,
      generated,
      skipped,
      failed,
      skippedFailed: sum((b) => b.skippedFailed),
      remaining: Math.max(0, total - generated - skipped - failed - sum((b) => b.skippedFailed)),
      requests: m.totals.started,
      rateLimited: m.totals.rateLimited,
      inputTokens: m.tokens.input,
      outputTokens: m.tokens.output,
      cacheCreationInputTokens: m.tokens.cacheCreation,
      cacheReadInputTokens: m.tokens.cacheRead,
      costUsd: m.costUsd,
      wallSeconds: this.startedAt === undefined ? 0 : (end - this.startedAt) / 1000,
      ...(this.stopError && this.stopError.kind !== 'cancelled'
        ? { stopReason: { kind: this.stopError.kind, message: this.stopError.message } }
        : {}),
      datasets: batches.map((b) => ({ batch: b.id, path: b.datasetPath, generated: b.generated })),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.metrics.dispose();
    this.processor.dispose();
    this.events.dispose();
    for (const w of this.writers.values()) w.dispose();
  }

  private async store(conversation: Conversation, job: ConversationJob): Promise<void> {
    const batch = this.requireBatch(job.batchId);
    const file = this.batchFiles.get(job.batchId)!;
    const writer = this.writers.get(batch.datasetPath)!;
    const spec = job.data.spec;
    const record = formatRecord(file.output.format, conversation, file.output.systemPrompt);
    const result = await writer.append(record, {
      id: job.id,
      index: spec.index,
      sourceFile: spec.sourceFile,
      variables: spec.variables,
      model: spec.model,
      usage: job.data.usage,
      costUsd: this.costUsd(spec.model, job.data.usage),
      attempts: this.requestsSent.get(job.id) ?? 1,
      batch: file.name,
      promptHash: file.promptHash,
    });
    this.requestsSent.delete(job.id);
    if (result.status === 'written') {
      batch.generated++;
      this.events.emit('written', { job, batch });
    }
  }

  private trackSpend(): void {
    const p = this.processor;
    const settle = (id: string, usd: number) => {
      const reserved = this.reservations.get(id);
      if (reserved === undefined) return;
      this.reservations.delete(id);
      this.budget.settle(reserved, usd);
    };
    this.subscriptions.push(
      p.on('started', ({ job }) => {
        // A 429 or a stop puts a job back without a per-job event: its reservation ends here.
        settle(job.id, 0);
        this.requestsSent.set(job.id, (this.requestsSent.get(job.id) ?? 0) + 1);
        const usd = this.upperBoundUsd(job);
        this.reservations.set(job.id, usd);
        this.budget.reserve(usd);
      }),
      p.on('step', ({ job, usage }) => settle(job.id, this.costUsd(job.model, usage))),
      p.on('succeeded', ({ job, usage }) => settle(job.id, this.costUsd(job.model, usage))),
      p.on('retrying', ({ job, error }) => settle(job.id, this.costUsd(job.model, error.usage ?? ZERO_USAGE))),
      p.on('cancelled', ({ job }) => settle(job.id, 0)),
      p.on('failed', ({ job, error }) => {
        settle(job.id, this.costUsd(job.model, error.usage ?? ZERO_USAGE));
        this.recordFailure(job, error);
      }),
      p.on('stopped', ({ error }) => {
        this.stopError ??= error;
      }),
    );
  }

  private recordFailure(job: ConversationJob, error: ClassifiedError): void {
    const requests = this.requestsSent.get(job.id);
    this.requestsSent.delete(job.id);
    const batch = this.batches.get(job.batchId);
    if (batch) batch.failed++;
    const writer = batch && this.writers.get(batch.datasetPath);
    if (!writer) return;
    const write = writer
      .recordFailure({
        id: job.id,
        index: job.data.spec.index,
        sourceFile: job.data.spec.sourceFile,
        kind: error.kind,
        reason: error.message,
        attempts: requests ?? job.attempts,
      })
      .catch(() => undefined)
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }

  private async closeWriters(): Promise<void> {
    const writers = [...this.writers.values()];
    await Promise.allSettled(writers.map((w) => w.close()));
  }

  private requireBatch(batchId: string): BatchProgress {
    const batch = this.batches.get(batchId);
    if (!batch) throw new ForgeError('invalid_request', `no batch "${batchId}" in this run`);
    return batch;
  }

  private model(id: string): ModelInfo {
    const model = resolveModel(id, this.options.modelOverrides);
    if (!model) throw new ForgeError('not_found', `unknown model "${id}"`);
    return model;
  }

  private costUsd(modelId: string, usage: Usage): number {
    return costOf(this.model(modelId), usage);
  }

  /** The most the job's next request can cost: its input estimate and all of max_tokens. */
  private upperBoundUsd(job: ConversationJob): number {
    return estimateCost(this.model(job.model), { inputTokens: job.next.inputTokens, outputTokens: job.next.maxTokens });
  }
}
