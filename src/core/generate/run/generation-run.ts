import type { BatchPlan } from './batch-plan';
import { classify, ForgeError, type ClassifiedError } from '../../errors';
import type { Metrics } from '../../metrics/metrics';
import type { QueueProcessor } from '../../queue/processor';
import { TypedEmitter, type Disposable } from '../../queue/typed-emitter';
import type { Priority } from '../../queue/types';
import { unexpected } from '../../validate';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationSpec, PromptFile } from '../types';
import { RunForecast, type EstimateFigures } from './run-forecast';
import type { ConversationJob } from './run-jobs';
import { dispatchUntilDone, DispatchWake } from './run-dispatch';
import { settleRun, endStateOf } from './run-ending';
import { estimateSample, stopPastEstimate } from './run-estimates';
import { FileJoining } from './run-joining';
import { buildRunParts, disposeRunParts, type RunParts } from './run-parts';
import { runSnapshot, runSummary, type RunReportInput } from './run-report';
import { assertRunTransition, isRunEnded, moveBatch } from './run-transitions';
import type { BatchProgress, GenerationRunOptions, JobFilter, RunEvents, RunSnapshot, RunState, RunSummary } from './run-types';

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
  /** Its components, built and wired to each other in run-parts.ts. */
  private readonly parts: RunParts;
  private readonly joining: FileJoining;
  private current: RunState = 'ready';
  /** Set once dispatch starts, or when a run that never started is cancelled. */
  private ended?: Promise<RunSummary>;
  private startedAt?: number;
  private finishedAt?: number;
  /** Batch-mode files' plans: what is left of them, for the estimate only (Message Batches send them). */
  private readonly messageBatchPlans: BatchPlan[] = [];
  private readonly wake = new DispatchWake();
  private stopError?: ClassifiedError;
  /** Why the run stops: the first reason is kept. */
  private readonly keepStop = (error: ClassifiedError): void => {
    this.stopError ??= error;
  };
  private disposed = false;

  private constructor(private readonly options: GenerationRunOptions) {
    this.parts = buildRunParts(options, {
      batches: this.batches,
      batchFiles: this.batchFiles,
      messageBatchPlans: this.messageBatchPlans,
      forecast: this.forecast,
      requireBatch: (id) => this.requireBatch(id),
      written: (job, batch) => this.events.emit('written', { job, batch }),
      keepStop: this.keepStop,
    });
    ({ processor: this.processor, metrics: this.metrics } = this.parts);
    this.joining = new FileJoining({
      admission: this.parts.admission,
      plans: this.parts.plans,
      wake: this.wake,
      state: () => this.current,
      added: (batches) => this.events.emit('batches', { batches }),
    });
  }

  /** Opens the datasets of `files` (taking their locks and repairing torn tails) and plans the work. */
  static async open(files: readonly PromptFile[], options: GenerationRunOptions): Promise<GenerationRun> {
    const run = new GenerationRun(options);
    try {
      await run.addFiles(files);
    } catch (error) {
      await run.parts.datasets.close();
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

  /** Adds prompt files to this run (see run-joining.ts); a refusal adds none of `files`. */
  addFiles(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    return this.joining.add(files);
  }

  /** What the run's budget has left (spent and in flight taken off); undefined without a budget. */
  get budgetLeftUsd(): number | undefined {
    return this.parts.spend.budgetLeftUsd;
  }

  /** Spend made for this run outside its queue (a joining file's generated values): its budget check counts it. */
  chargeOutside(usd: number): void {
    this.parts.spend.chargeOutside(usd);
  }

  /** Whether prompt files can still join this run (it has not begun to end). */
  get acceptsFiles(): boolean {
    return this.joining.accepts;
  }

  /**
   * A pre-run estimate of (some of) this run's work: its cost is shown beside the spend, its
   * tokens a request weigh the steps of the ETA (run-progress.ts), and the summary says how far off it was.
   */
  addEstimate(estimate: EstimateFigures): void {
    this.forecast.add(estimate);
    // count_tokens answered for every file: the key and the models work, so the first second of
    // requests need not wait for a first response (whose headers, for a long answer that is not
    // streamed, come only with it) before the slots may hold it.
    const files = estimate.perFile ?? [];
    if (files.length > 0 && files.every((f) => (f.countedSamples ?? 0) > 0)) this.processor.keyAccepted();
  }

  /** Stops the run once spend passes the estimate by `fraction`, unless it has a budget (run-estimates.ts). */
  stopPastEstimate(fraction: number): void {
    stopPastEstimate(this.forecast, this.parts.spend, this.options.budgetUsd, fraction);
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
      plans: this.parts.plans,
      messageBatches: this.parts.messageBatches,
      joining: this.joining.pending,
      wake: this.wake,
      stopError: () => this.stopError,
      keepStop: this.keepStop,
    });
    this.joining.close();
    const stop = await settleRun(this.parts, this.stopError);
    this.moveTo(endStateOf(stop));
    if (stop) this.stopError = stop;
    return this.announceEnd();
  }

  /** Cancelled while still ready: nothing was sent; the datasets opened for it are closed. */
  private async endUnstarted(): Promise<RunSummary> {
    this.moveTo('cancelled');
    this.stopError = classify(new ForgeError('cancelled', 'cancelled before it started'));
    await this.parts.datasets.close();
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
    if (options.messageBatches === 'leave') this.parts.messageBatches.leave();
    else this.parts.messageBatches.cancel();
    if (this.current === 'ready') {
      this.ended = this.endUnstarted();
      // A failure to close reaches whoever awaits start(); it must not also surface as unhandled.
      this.ended.catch(() => undefined);
      return;
    }
    this.processor.cancel();
    this.parts.plans.holds.drop();
  }

  /** Takes a batch's queued jobs (and those not yet made) out of dispatch; in-flight requests finish. Returns how many. */
  pauseBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'paused');
    return this.parts.plans.hold(batchId);
  }

  resumeBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'active');
    return this.parts.plans.release(batchId);
  }

  /** Drops a batch from this run: its unfinished conversations stay unwritten for a later run. */
  cancelBatch(batchId: string): number {
    moveBatch(this.requireBatch(batchId), 'cancelled');
    return this.parts.plans.drop(batchId);
  }

  setBatchPriority(batchId: string, priority: Priority): number {
    this.requireBatch(batchId).priority = priority;
    return this.parts.plans.setPriority(batchId, priority);
  }

  /**
   * A page of this run's jobs (batch by batch, in index order), for grids that must not hold
   * 1,000,000 rows: made on demand from the plans, so finished jobs need not be kept.
   */
  listJobs(offset: number, limit: number, filter: JobFilter = {}): { total: number; jobs: ConversationJob[] } {
    return this.parts.plans.listJobs(offset, limit, filter);
  }

  /** An even sample of the conversations still to generate, each standing for `weight` of them (run-estimates.ts). */
  estimateSample(maxPerBatch = 5_000): { spec: ConversationSpec; weight: number }[] {
    return estimateSample(this.parts.plans, this.messageBatchPlans, maxPerBatch);
  }

  listBatches(): BatchProgress[] {
    return [...this.batches.values()];
  }

  snapshot(): Promise<RunSnapshot> {
    return runSnapshot(this.report());
  }

  /** Message Batches picked up from earlier runs (still processing, or their results not yet read). */
  get resumedMessageBatches(): number {
    return this.parts.messageBatches.resumed;
  }

  /** HTTP calls made to the Message Batches endpoints so far, by endpoint. */
  get messageBatchCalls(): Readonly<Record<string, number>> | undefined {
    return this.parts.messageBatches.calls;
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
      steps: this.parts.steps,
      forecast: this.forecast,
      plans: this.parts.plans,
      limiter: this.options.limiter,
      messageBatches: this.parts.messageBatches,
    };
  }

  /**
   * Flushes and unlocks the datasets, then disposes. For a run that ends without start() (an
   * estimate failed, the user backed out): dispose() alone unlocks only in the background.
   */
  async close(): Promise<void> {
    await this.parts.messageBatches.close();
    await this.parts.datasets.close();
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.events.dispose();
    disposeRunParts(this.parts);
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
