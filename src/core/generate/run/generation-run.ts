import { classify, ForgeError, type ClassifiedError } from '../../errors';
import type { LimiterSnapshot } from '../../limiter/types';
import { createMetrics, type Metrics } from '../../metrics/metrics';
import { eventLoopLoad } from '../../queue/machine-capacity';
import { QueueProcessor } from '../../queue/processor';
import { TypedEmitter, type Disposable } from '../../queue/typed-emitter';
import type { Priority } from '../../queue/types';
import { createConversationExecutor, type ConversationJobData } from '../strategies/executor';
import type { Conversation, ConversationSpec, PromptFile } from '../types';
import { ModelPricing } from './model-pricing';
import { RunCache } from '../cache/run-cache';
import { planHoldsFromPauses } from '../cache/ttl-planner';
import { BatchPlan } from './batch-plan';
import { RunPlans } from './run-plans';
import { jobFor, type ConversationJob } from './run-jobs';
import { messageBatchHooks, type MessageBatchWriter } from './message-batch-hooks';
import { buildSummary } from './run-summary';
import type { BatchProgress, GenerationRunOptions, JobFilter, RunEvents, RunSnapshot, RunState, RunSummary } from './run-types';
import { unexpected } from '../../validate';
import { RunMessageBatches } from '../../message-batches/run-message-batches';
import { pendingMessageBatches } from '../../message-batches/pending-batches';

export type { GenerationRunOptions, JobFilter, RunEvents } from './run-types';

import { RunDatasets } from './run-datasets';
import { RunForecast, type EstimateFigures } from './run-forecast';
import { StepProgress } from './step-progress';
import { assertRunTransition, isRunEnded, moveBatch } from './run-transitions';
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
  private readonly plans: RunPlans;
  private readonly pricing: ModelPricing;
  private readonly datasets: RunDatasets;
  private readonly spend: SpendTracker;
  private readonly cache: RunCache;
  private readonly steps: StepProgress;

  /** Batch-mode files: submitted to the Message Batches API, waited for, written like online results. */
  private readonly messageBatches: RunMessageBatches;
  private readonly subscriptions: Disposable[] = [];
  private readonly load = eventLoopLoad();
  private current: RunState = 'ready';
  /** Set once dispatch starts, or when a run that never started is cancelled. */
  private ended?: Promise<RunSummary>;
  private startedAt?: number;
  private finishedAt?: number;
  /** Files being added (their datasets opening): the run waits for them before it may end. */
  private readonly joining = new Set<Promise<unknown>>();
  /** Set once the run has begun to end: files can no longer join it. */
  private closing = false;
  private stopError?: ClassifiedError;
  private disposed = false;

  private constructor(private readonly options: GenerationRunOptions) {
    this.pricing = new ModelPricing(options.modelOverrides);
    this.datasets = new RunDatasets(options, this.pricing);
    this.cache = new RunCache({ clock: options.clock, minTokens: (model) => this.pricing.minCacheTokens(model) });
    // One attempt cap for both paths: --max-attempts counts Message Batch rounds as it counts online retries.
    const mb = options.messageBatches;
    const maxAttempts = mb?.maxAttempts ?? options.maxAttempts;
    this.messageBatches = new RunMessageBatches(options.clock, mb && maxAttempts !== undefined ? { ...mb, maxAttempts } : mb);
    const executor = createConversationExecutor({
      caller: options.caller,
      cache: this.cache,
      // Not awaited: the write runs while the job's slot and permit go to the next request.
      onConversation: (conversation, job) => this.storeInBackground(conversation, job),
    });
    const random = options.random ?? Math.random;
    this.processor = new QueueProcessor<ConversationJobData>({
      clock: options.clock,
      limiter: options.limiter,
      executor,
      backoff: { baseMs: options.backoff?.baseMs ?? 500, maxMs: options.backoff?.maxMs ?? 60_000, jitter: random },
      ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.outage ? { outage: options.outage } : {}),
      budget: { wouldExceed: (job) => this.spend.wouldExceed(job), reason: () => this.spend.reason() },
      load: this.load,
    });
    this.plans = new RunPlans(this.processor, options.clock);
    this.steps = new StepProgress({
      clock: options.clock,
      processor: this.processor,
      plans: () => this.plans.all(),
      demandOf: (file) => this.forecast.stepDemand(file),
    });
    this.metrics = createMetrics({
      clock: options.clock,
      processor: this.processor,
      unqueued: () => this.plans.unqueued(),
      eta: () => this.steps.progress().etaMs,
      costOf: (job, usage) => this.pricing.costUsd(job.model, usage),
    });
    this.spend = new SpendTracker(options.budgetUsd, this.pricing, this.processor, (job, error, requests) =>
      this.recordFailure(job, error, requests),
    );
    this.subscriptions.push(
      this.steps,
      this.spend,
      this.processor.on('stopped', ({ error }) => {
        this.stopError ??= error;
      }),
      planHoldsFromPauses(this.processor, this.cache.planner, () => options.clock.now()),
      this.processor.on('succeeded', ({ job }) => this.plans.finished(job)),
      this.processor.on('failed', ({ job }) => this.plans.finished(job)),
      this.processor.on('cancelled', ({ job }) => this.plans.finished(job)),
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
  addFiles(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    if (this.closing) return Promise.reject(new ForgeError('invalid_request', 'the run is ending: start a new one'));
    // The run does not end while files are being added: their datasets open asynchronously, and a
    // run that drained meanwhile would otherwise close without them.
    const joining = this.addFilesNow(files);
    this.joining.add(joining);
    joining.then(
      () => this.joining.delete(joining),
      () => this.joining.delete(joining),
    );
    return joining;
  }

  /** Whether prompt files can still join this run (it has not begun to end). */
  get acceptsFiles(): boolean {
    return !this.closing && !isRunEnded(this.current);
  }

  private async addFilesNow(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    if (isRunEnded(this.current)) throw new ForgeError('invalid_request', `the run has ${this.current}: start a new one`);
    const checked = await this.datasets.check(files, (name) => this.batches.has(name));
    const added: BatchProgress[] = [];
    for (const { file, model, datasetPath, writer } of checked) {
      const plan = new BatchPlan(file, model, writer, this.options.retryFailed ?? false);
      // Batches an earlier run left at Anthropic are collected whatever the mode asked now: they are paid for.
      const leftOver = this.options.messageBatches ? pendingMessageBatches(datasetPath, file.name) : 0;
      const mode = leftOver > 0 ? 'batch' : (this.options.mode ?? file.mode ?? 'online');
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
      this.batches.set(batch.id, batch);
      this.batchFiles.set(batch.id, file);
      if (mode === 'batch') {
        await this.addMessageBatchFile(file, batch, writer);
        added.push(batch);
        continue;
      }
      plan.cacheFor = (spec) => this.cache.settingsFor(spec);
      this.plans.add(plan);
      added.push(batch);
    }
    this.events.emit('batches', { batches: added });
    if (this.current === 'running' || this.current === 'paused') {
      this.plans.feed();
      this.wakeDispatch();
    }
    return added;
  }

  private readonly forecast = new RunForecast();

  /**
   * A pre-run estimate of (some of) this run's work: its cost is shown beside the spend, its
   * tokens a request weigh the steps of the ETA (run-progress.ts), and the summary says how far off it was.
   */
  addEstimate(estimate: EstimateFigures): void {
    this.forecast.add(estimate);
  }

  /**
   * Guards a run that has no budget against an estimate that was badly wrong: once the spend passes
   * the estimate by `fraction`, nothing more is dispatched and the run stops with that reason.
   */
  stopPastEstimate(fraction: number): void {
    const estimate = this.forecast.costUsd;
    if (this.options.budgetUsd !== undefined || estimate === undefined || estimate <= 0) return;
    this.spend.setCeiling(
      estimate * (1 + fraction),
      (spent) =>
        `spend $${spent.toFixed(4)} ran past the estimate ~$${estimate.toFixed(4)} by more than ${Math.round(fraction * 100)} %; ` +
        'stopped before sending more (give --budget to set the limit yourself, or --overrun to widen the margin)',
    );
  }

  /**
   * Starts dispatching; resolves when every job is done or failed, or the run stopped or was
   * cancelled. A run cancelled before it started resolves at once with that (cancelled) summary.
   */
  start(): Promise<RunSummary> {
    if (this.current === 'ready') return (this.ended = this.dispatch());
    if (this.ended && this.startedAt === undefined) return this.ended;
    throw unexpected('the run', 'ready', `it is ${this.current}`);
  }

  private async dispatch(): Promise<RunSummary> {
    this.moveTo('running');
    this.startedAt = this.options.clock.now();
    // Batch-mode files wait on Anthropic while the online ones run under the limiter.
    this.messageBatches.onRunnerEnd = () => this.wakeDispatch();
    // The budget refused a Message Batch: the run stops as it does when an online request would pass it.
    this.messageBatches.onBudgetStop = (error) => {
      this.stopError ??= error;
      this.processor.halt(error);
      this.wakeDispatch();
    };
    this.messageBatches.start();
    this.plans.feed();
    for (;;) {
      await this.processor.onIdle();
      if (this.processor.state === 'stopped') {
        const why = this.stopError ?? this.processor.stats.stopError;
        // A budget stop still waits for what is out (paid for, its reservation settles to its cost);
        // any other stop sends nothing more and leaves Message Batches at Anthropic for a later run.
        if (why?.kind === 'budget') this.messageBatches.drain(why);
        else this.messageBatches.leave();
        break;
      }
      if (this.joining.size > 0) {
        await Promise.allSettled([...this.joining]);
        continue;
      }
      // Safety net: work still planned for a batch that is not held goes in before the run may end.
      if (this.plans.feed() > 0) continue;
      if (this.plans.holds.empty && !this.messageBatches.active) break;
      // Held batches, and Message Batches still out, keep the run open; an online file may join meanwhile.
      await new Promise<void>((resolve) => {
        this.wakeDispatch = resolve;
        if (!this.plans.holds.empty) void this.plans.holds.changed().then(resolve);
      });
    }
    this.closing = true;
    if (this.messageBatches.count > 0) {
      await this.messageBatches.settled();
      await this.messageBatches.close();
    }
    await this.datasets.close();
    const stop = this.stopError ?? this.processor.stats.stopError ?? this.messageBatches.stopError ?? this.datasets.writeError;
    this.moveTo(stop?.kind === 'cancelled' ? 'cancelled' : stop ? 'stopped' : 'finished');
    if (stop) this.stopError = stop;
    return this.announceEnd();
  }

  /** Wakes dispatch while it waits (Message Batches ended, a file joined). */
  private wakeDispatch: () => void = () => undefined;

  /** Cancelled while still ready: nothing was sent; the datasets opened for it are closed. */
  private async endUnstarted(): Promise<RunSummary> {
    this.moveTo('cancelled');
    this.stopError = classify(new ForgeError('cancelled', 'cancelled before it started'));
    await this.datasets.close();
    return this.announceEnd();
  }

  private announceEnd(): RunSummary {
    this.finishedAt = this.options.clock.now();
    const summary = this.summary();
    this.events.emit('finished', { summary });
    return summary;
  }

  pause(): void {
    if (this.current !== 'running') return;
    this.processor.pause();
    this.moveTo('paused');
  }

  resume(): void {
    if (this.current !== 'paused') return;
    this.processor.resume();
    this.moveTo('running');
  }

  /**
   * Stops dispatching and aborts requests in flight; unfinished conversations are picked up by a
   * re-run. A run that never started ends as cancelled without sending anything. Message Batches are
   * cancelled at Anthropic (what they had finished is still written), or with `leave` left running
   * for the next run to pick up.
   */
  cancel(options: { messageBatches?: 'cancel' | 'leave' } = {}): void {
    if (isRunEnded(this.current)) return;
    // Leaving (Ctrl-C, closing the window) lets the remote batches finish for a later run to collect.
    if (options.messageBatches === 'leave') this.messageBatches.leave();
    else this.messageBatches.cancel();
    if (this.current === 'ready') {
      this.ended = this.endUnstarted();
      // A failure to close reaches whoever awaits start(); it must not also surface as unhandled.
      this.ended.catch(() => undefined);
      return;
    }
    this.processor.cancel();
    this.plans.holds.drop();
  }

  /** Takes a batch's queued jobs (and those not yet made) out of dispatch; in-flight requests finish. Returns how many. */
  pauseBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'paused');
    return this.plans.hold(batchId);
  }

  resumeBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'active');
    return this.plans.release(batchId);
  }

  /** Drops a batch from this run: its unfinished conversations stay unwritten for a later run. */
  cancelBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'cancelled');
    return this.plans.drop(batchId);
  }

  setBatchPriority(batchId: string, priority: Priority): number {
    this.requireBatch(batchId).priority = priority;
    return this.plans.setPriority(batchId, priority);
  }

  /**
   * A page of this run's jobs (batch by batch, in index order), for grids that must not hold
   * 1,000,000 rows: made on demand from the plans, so finished jobs need not be kept.
   */
  listJobs(offset: number, limit: number, filter: JobFilter = {}): { total: number; jobs: ConversationJob[] } {
    return this.plans.listJobs(offset, limit, filter);
  }

  /**
   * An even sample of the conversations still to generate (at most `maxPerBatch` per batch), each
   * standing for `weight` of them: what a pre-run estimate needs, without making every spec.
   */
  estimateSample(maxPerBatch = 5_000): { spec: ConversationSpec; weight: number }[] {
    return this.plans.estimateSample(maxPerBatch);
  }

  listBatches(): BatchProgress[] {
    return [...this.batches.values()];
  }

  async snapshot(): Promise<RunSnapshot> {
    const classes = this.plans.modelClasses();
    const limiters: LimiterSnapshot[] = await Promise.all(classes.map((c) => this.options.limiter.snapshot(c)));
    this.steps.observeLimits(limiters);
    return {
      state: this.current,
      simulated: this.options.simulated ?? false,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      batches: this.listBatches().map((b) => ({ ...b })),
      metrics: this.metrics.snapshot(),
      progress: this.steps.progress(),
      limiters,
      ...(this.options.budgetUsd !== undefined ? { budgetUsd: this.options.budgetUsd } : {}),
      ...(this.forecast.costUsd !== undefined ? { estimateUsd: this.forecast.costUsd } : {}),
      messageBatches: this.messageBatches.snapshots(),
      messageBatchCostUsd: this.messageBatches.costUsd,
    };
  }

  private messageBatchFigures() {
    const list = this.messageBatches.snapshots();
    return {
      usage: this.messageBatches.usage,
      costUsd: this.messageBatches.costUsd,
      batches: list.length,
      processing: list.filter((b) => b.status !== 'ended').length,
      ...(this.messageBatches.calls ? { calls: { ...this.messageBatches.calls } } : {}),
    };
  }

  /** Message Batches picked up from earlier runs (still processing, or their results not yet read). */
  get resumedMessageBatches(): number {
    return this.messageBatches.resumed;
  }

  /** HTTP calls made to the Message Batches endpoints so far, by endpoint. */
  get messageBatchCalls(): Readonly<Record<string, number>> | undefined {
    return this.messageBatches.calls;
  }

  summary(): RunSummary {
    return buildSummary({
      state: this.current,
      batches: this.listBatches(),
      metrics: this.metrics.snapshot(),
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      endedAt: this.finishedAt ?? this.options.clock.now(),
      ...(this.stopError ? { stopError: this.stopError } : {}),
      ...(this.forecast.wallSeconds !== undefined
        ? { estimate: { wallSeconds: this.forecast.wallSeconds, costUsd: this.forecast.costUsd! } }
        : {}),
      ...(this.steps.checkpoint ? { etaCheckpoint: this.steps.checkpoint } : {}),

      messageBatches: this.messageBatchFigures(),
    });
  }

  /**
   * Flushes and unlocks the datasets, then disposes. For a run that ends without start() (an
   * estimate failed, the user backed out): dispose() alone unlocks only in the background.
   */
  async close(): Promise<void> {
    await this.messageBatches.close();
    await this.datasets.close();
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.metrics.dispose();
    this.processor.dispose();
    this.load.dispose();
    this.messageBatches.dispose();
    this.events.dispose();
    this.datasets.dispose();
  }

  /**
   * Commits a finished conversation behind the request that produced it: the writer keeps call
   * order, close() waits for every pending write, and a write that fails stops the run (the
   * conversation stays unwritten, so a re-run generates it again).
   */
  private storeInBackground(conversation: Conversation, job: ConversationJob): void {
    this.datasets.track(
      this.store(conversation, job).catch((e: unknown) => {
        const error = classify(e);
        this.stopError ??= error;
        this.processor.halt(error);
      }),
    );
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
      ...(spec.variation !== undefined ? { variation: spec.variation } : {}),
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

  private async addMessageBatchFile(file: PromptFile, batch: BatchProgress, writer: MessageBatchWriter): Promise<void> {
    await this.messageBatches.add(
      file,
      messageBatchHooks({
        file,
        batch,
        writer,
        retryFailed: this.options.retryFailed ?? false,
        pricing: this.pricing,
        datasets: this.datasets,
        cache: this.cache,
        budget: this.spend.messageBatchBudget(),
        written: (spec) => {
          const job = jobFor(spec, this.pricing.model(spec.model), this.options.clock.now());
          job.state = 'succeeded';
          this.events.emit('written', { job, batch });
        },
      }),
    );
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

  private moveTo(next: RunState): void {
    this.current = assertRunTransition(this.current, next);
  }

  private requireBatch(batchId: string): BatchProgress {
    const batch = this.batches.get(batchId);
    if (!batch) throw new ForgeError('invalid_request', `no batch "${batchId}" in this run`);
    return batch;
  }
}
