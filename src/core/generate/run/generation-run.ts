import type { BatchPlan } from './batch-plan';
import { classify, ForgeError, type ClassifiedError } from '../../errors';
import type { Metrics } from '../../metrics/metrics';
import type { RunMessageBatches } from '../../message-batches/run-message-batches';
import type { QueueProcessor } from '../../queue/processor';
import { TypedEmitter, type Disposable } from '../../queue/typed-emitter';
import type { Priority } from '../../queue/types';
import { unexpected } from '../../validate';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationSpec, PromptFile } from '../types';
import type { RunDatasets } from './run-datasets';
import { admitFiles, type FileAdmissionInput } from './run-file-admission';
import { RunForecast, type EstimateFigures } from './run-forecast';
import type { ConversationJob } from './run-jobs';
import { dispatchUntilDone, DispatchWake } from './run-dispatch';
import { buildRunParts } from './run-parts';
import type { RunPlans } from './run-plans';
import { runSnapshot, runSummary, type RunReportInput } from './run-report';
import { assertRunTransition, isRunEnded, moveBatch } from './run-transitions';
import type { BatchProgress, GenerationRunOptions, JobFilter, RunEvents, RunSnapshot, RunState, RunSummary } from './run-types';
import type { SpendTracker } from './spend-tracker';
import type { StepProgress } from './step-progress';

export type { GenerationRunOptions, JobFilter, RunEvents } from './run-types';

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
  private readonly forecast = new RunForecast();
  private readonly plans: RunPlans;
  private readonly datasets: RunDatasets;
  private readonly spend: SpendTracker;
  private readonly steps: StepProgress;
  private readonly admission: FileAdmissionInput;

  /** Batch-mode files: submitted to the Message Batches API, waited for, written like online results. */
  private readonly messageBatches: RunMessageBatches;
  private readonly subscriptions: Disposable[];
  private readonly load: Disposable;
  private current: RunState = 'ready';
  /** Set once dispatch starts, or when a run that never started is cancelled. */
  private ended?: Promise<RunSummary>;
  private startedAt?: number;
  private finishedAt?: number;
  /** Files being added (their datasets opening): the run waits for them before it may end. */
  private readonly joining = new Set<Promise<unknown>>();
  /** Batch-mode files' plans: what is left of them, for the estimate only (Message Batches send them). */
  private readonly messageBatchPlans: BatchPlan[] = [];
  private readonly wake = new DispatchWake();
  /** Set once the run has begun to end: files can no longer join it. */
  private closing = false;
  private stopError?: ClassifiedError;
  private disposed = false;

  private constructor(private readonly options: GenerationRunOptions) {
    const parts = buildRunParts(options, {
      batches: this.batches,
      batchFiles: this.batchFiles,
      messageBatchPlans: this.messageBatchPlans,
      forecast: this.forecast,
      requireBatch: (id) => this.requireBatch(id),
      written: (job, batch) => this.events.emit('written', { job, batch }),
      keepStop: (error) => {
        this.stopError ??= error;
      },
    });
    ({
      processor: this.processor,
      metrics: this.metrics,
      plans: this.plans,
      datasets: this.datasets,
      spend: this.spend,
      steps: this.steps,
      admission: this.admission,
      messageBatches: this.messageBatches,
      subscriptions: this.subscriptions,
      load: this.load,
    } = parts);
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
    const added = await admitFiles(this.admission, files);
    this.events.emit('batches', { batches: added });
    if (this.current === 'running' || this.current === 'paused') {
      this.plans.feed();
      this.wake.wake();
    }
    return added;
  }

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
    await dispatchUntilDone({
      processor: this.processor,
      plans: this.plans,
      messageBatches: this.messageBatches,
      joining: this.joining,
      wake: this.wake,
      stopError: () => this.stopError,
      keepStop: (error) => {
        this.stopError ??= error;
      },
    });
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
    const online = this.plans.estimateSample(maxPerBatch);
    const batch = this.messageBatchPlans.flatMap((plan) => {
      const { specs, weight } = plan.sample(maxPerBatch);
      return specs.map((spec) => ({ spec, weight }));
    });
    return [...online, ...batch];
  }

  listBatches(): BatchProgress[] {
    return [...this.batches.values()];
  }

  snapshot(): Promise<RunSnapshot> {
    return runSnapshot(this.report());
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
    return runSummary(this.report());
  }

  private report(): RunReportInput {
    return {
      state: this.current,
      simulated: this.options.simulated ?? false,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      endedAt: this.finishedAt ?? this.options.clock.now(),
      ...(this.stopError ? { stopError: this.stopError } : {}),
      ...(this.options.budgetUsd !== undefined ? { budgetUsd: this.options.budgetUsd } : {}),
      batches: this.listBatches(),
      metrics: this.metrics,
      steps: this.steps,
      forecast: this.forecast,
      plans: this.plans,
      limiter: this.options.limiter,
      messageBatches: this.messageBatches,
    };
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

  private moveTo(next: RunState): void {
    this.current = assertRunTransition(this.current, next);
  }

  private requireBatch(batchId: string): BatchProgress {
    const batch = this.batches.get(batchId);
    if (!batch) throw new ForgeError('invalid_request', `no batch "${batchId}" in this run`);
    return batch;
  }
}
