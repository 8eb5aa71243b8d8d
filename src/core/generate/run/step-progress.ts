import type { Clock } from '../../clock';
import type { LimiterSnapshot } from '../../limiter/types';
import { TrailingCounter } from '../../metrics/rolling';
import type { ProcessorEvents, ProcessorStats } from '../../queue/events';
import type { Disposable } from '../../queue/typed-emitter';
import type { Usage } from '../../usage';
import { evenTurnsIn } from '../prompt-file/field-checks';
import type { PromptFile } from '../types';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationJob } from './run-jobs';
import type { StepDemand } from './run-forecast';
import { withMessageBatchWork, type MessageBatchWork } from './message-batch-work';
import { workProgress, type BatchWork, type WorkProgress } from './run-progress';

/** What the count needs of a batch's plan (batch-plan.ts). */
export interface PlannedBatch {
  readonly id: string;
  readonly file: PromptFile;
  readonly model: { readonly modelClass: string };
  readonly dropped: boolean;
  /** Conversations with no job yet. */
  readonly pending: number;
  liveJobs(): readonly ConversationJob[];
}

export interface StepSource {
  on<K extends keyof ProcessorEvents<ConversationJobData>>(
    type: K,
    listener: (event: ProcessorEvents<ConversationJobData>[K]) => void,
  ): Disposable;
  readonly stats: ProcessorStats;
}

/** The ETA when a fifth of the work was done, to judge it against the time that was actually left. */
export interface EtaCheckpoint {
  readonly at: number;
  readonly etaMs: number;
}

/** The live ETA is judged at this share of the work: from here on it should hold (±25 %). */
export const CHECKPOINT_FRACTION = 0.2;

/** A pause at least this long restarts the measured pace. */
const LONG_PAUSE_MS = 10_000;

/** Steps of a batch seen before their measured output tokens weigh its steps instead of the estimate's. */
const MEASURED_STEPS = 5;

/** How much the newest step's duration moves the mean (about the last 50 count). */
const STEP_MS_WEIGHT = 0.04;

/** Throughput is measured over at least this, so the first steps do not read as a spike. */
const MIN_SPAN_MS = 3_000;

/** Steps a conversation of `file` is expected to make: 1 for `single`, one per message for `turns` (the mean of a range). */
export function expectedSteps(file: Pick<PromptFile, 'strategy' | 'turns'>): number {
  if (file.strategy === 'single') return 1;
  if (typeof file.turns === 'number') return file.turns;
  const choices = evenTurnsIn(file.turns.min, file.turns.max);
  return choices.length === 0 ? Math.max(2, file.turns.max) : choices.reduce((a, b) => a + b, 0) / choices.length;
}

/**
 * Counts a run's steps (requests) as they complete, batch by batch, and measures their pace (from
 * the run's start, again from every resume: minutes spent paused are not the run's pace), so the
 * one ETA (run-progress.ts) can be asked for at any moment.
 */
export class StepProgress implements Disposable {
  private readonly done = new Map<string, number>();
  private readonly recent = new Map<string, TrailingCounter>();
  /** Tokens the completed steps of each batch used: what they weigh once a few have been seen. */
  private readonly used = new Map<string, { steps: number; input: number; output: number }>();
  private pausedAt?: number;
  private memo?: { at: number; limiters: readonly LimiterSnapshot[]; version: number; progress: WorkProgress };
  /** Moves with every event that changes the count, so the memo never outlives one. */
  private version = 0;
  private readonly subscriptions: Disposable[];
  private paceSince?: number;
  private limiters: readonly LimiterSnapshot[] = [];
  private checkpointAt?: EtaCheckpoint;
  /** A step's duration, averaged over the most recent ones (exponentially). */
  private stepMs?: number;

  constructor(
    private readonly options: {
      clock: Clock;
      processor: StepSource;
      plans: () => Iterable<PlannedBatch>;
      demandOf: (sourceFile: string) => StepDemand | undefined;
      /** The run's Message Batch requests: part of the work, and no ETA while one is at the API. */
      messageBatches?: () => MessageBatchWork | undefined;
    },
  ) {
    const p = options.processor;
    const stepped = ({ job, durationMs, usage }: { job: ConversationJob; durationMs: number; usage: Usage }) => {
      const now = options.clock.now();
      this.version++;
      const u = this.used.get(job.batchId) ?? { steps: 0, input: 0, output: 0 };
      this.used.set(job.batchId, {
        steps: u.steps + 1,
        // What counts against ITPM: new input and cache writes, not cache reads.
        input: u.input + usage.inputTokens + usage.cacheCreationInputTokens,
        output: u.output + usage.outputTokens,
      });
      this.stepMs = this.stepMs === undefined ? durationMs : this.stepMs + (durationMs - this.stepMs) * STEP_MS_WEIGHT;
      this.done.set(job.batchId, (this.done.get(job.batchId) ?? 0) + 1);
      let counter = this.recent.get(job.batchId);
      if (!counter) this.recent.set(job.batchId, (counter = new TrailingCounter(60_000)));
      counter.add(now);
    };
    this.subscriptions = [
      p.on('started', () => {
        this.paceSince ??= options.clock.now();
      }),
      p.on('step', stepped),
      p.on('queued', () => this.version++),
      p.on('failed', () => this.version++),
      p.on('cancelled', () => this.version++),
      p.on('succeeded', stepped),
      p.on('paused', () => {
        this.pausedAt ??= options.clock.now();
      }),
      p.on('resumed', () => {
        const now = options.clock.now();
        // A long pause (the user's, an outage) is not the run's pace: measure again from here. The
        // short pauses of 429s are part of it: forgetting the pace at each one left the ETA on the
        // limits alone, 30 % short, for most of a run against a bursty server.
        if (this.pausedAt !== undefined && now - this.pausedAt >= LONG_PAUSE_MS) {
          for (const c of this.recent.values()) c.clear();
          this.paceSince = now;
        }
        this.pausedAt = undefined;
      }),
    ];
  }

  /** The limiters' latest snapshots: the limits the ETA's pace follows. */
  observeLimits(limiters: readonly LimiterSnapshot[]): void {
    this.limiters = limiters;
  }

  /** The ETA given when a fifth of the work was done, once it was. */
  get checkpoint(): EtaCheckpoint | undefined {
    return this.checkpointAt;
  }

  progress(): WorkProgress {
    const now = this.options.clock.now();
    // Asked twice per snapshot (the metrics' ETA, the snapshot's progress) with nothing between: count once.
    const m = this.memo;
    if (m && m.at === now && m.limiters === this.limiters && m.version === this.version) return m.progress;
    const batches: BatchWork[] = [];
    for (const plan of this.options.plans()) {
      const counter = this.recent.get(plan.id);
      batches.push({
        modelClass: plan.model.modelClass,
        stepsDone: this.done.get(plan.id) ?? 0,
        ...(plan.dropped ? { stepsLeft: 0, chainLeft: 0 } : stepsLeft(plan)),
        stepsPerMinute: counter ? counter.rate(now, MIN_SPAN_MS, this.paceSince) : 0,
        demand: this.demandOf(plan),
      });
    }
    const stats = this.options.processor.stats;
    const online = workProgress({
      batches,
      limiters: this.limiters,
      ...(this.stepMs !== undefined ? { stepMs: this.stepMs } : {}),
      measuredMs: this.paceSince === undefined ? 0 : Math.min(60_000, now - this.paceSince),
      ...(stats.pausedUntil !== undefined ? { pausedForMs: stats.pausedUntil - now } : {}),
    });
    const progress = withMessageBatchWork(online, this.options.messageBatches?.());
    if (!this.checkpointAt && progress.etaMs !== undefined && progress.fraction >= CHECKPOINT_FRACTION && progress.fraction < 1) {
      this.checkpointAt = { at: now, etaMs: progress.etaMs };
    }
    this.memo = { at: now, limiters: this.limiters, version: this.version, progress };
    return progress;
  }

  /**
   * A step's tokens: the estimate's, with its output replaced by what the batch's steps actually
   * produced once a few were seen (a model writing twice the estimate binds OTPM the estimate
   * never saw). Input stays the estimate's: a turns chain's first steps carry less context than
   * its average, so their mean would understate it.
   */
  private demandOf(plan: PlannedBatch): StepDemand | undefined {
    const estimated = this.options.demandOf(plan.file.path);
    const u = this.used.get(plan.id);
    if (!u || u.steps < MEASURED_STEPS) return estimated;
    return { inputTokens: estimated?.inputTokens ?? u.input / u.steps, outputTokens: u.output / u.steps };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function stepsLeft(plan: PlannedBatch): { stepsLeft: number; chainLeft: number } {
  let chainLeft = plan.pending > 0 ? expectedSteps(plan.file) : 0;
  let stepsLeft = plan.pending * expectedSteps(plan.file);
  for (const job of plan.liveJobs()) {
    const left = job.next.stepsLeft ?? 1;
    stepsLeft += left;
    chainLeft = Math.max(chainLeft, left);
  }
  return { stepsLeft, chainLeft };
}
