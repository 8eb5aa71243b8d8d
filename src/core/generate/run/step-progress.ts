import type { Clock } from '../../clock';
import type { LimiterSnapshot } from '../../limiter/types';
import { TrailingCounter } from '../../metrics/rolling';
import type { ProcessorEvents, ProcessorStats } from '../../queue/events';
import type { Disposable } from '../../queue/typed-emitter';
import { evenTurnsIn } from '../prompt-file/field-checks';
import type { PromptFile } from '../types';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationJob } from './run-jobs';
import type { StepDemand } from './run-forecast';
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
    },
  ) {
    const p = options.processor;
    const stepped = ({ job, durationMs }: { job: ConversationJob; durationMs: number }) => {
      const now = options.clock.now();
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
      p.on('succeeded', stepped),
      p.on('resumed', () => {
        for (const c of this.recent.values()) c.clear();
        this.paceSince = options.clock.now();
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
    const batches: BatchWork[] = [];
    for (const plan of this.options.plans()) {
      const counter = this.recent.get(plan.id);
      batches.push({
        modelClass: plan.model.modelClass,
        stepsDone: this.done.get(plan.id) ?? 0,
        ...(plan.dropped ? { stepsLeft: 0, chainLeft: 0 } : stepsLeft(plan)),
        stepsPerMinute: counter ? counter.rate(now, MIN_SPAN_MS, this.paceSince) : 0,
        demand: this.options.demandOf(plan.file.path),
      });
    }
    const stats = this.options.processor.stats;
    const progress = workProgress({
      batches,
      limiters: this.limiters,
      ...(this.stepMs !== undefined ? { stepMs: this.stepMs } : {}),
      measuredMs: this.paceSince === undefined ? 0 : Math.min(60_000, now - this.paceSince),
      ...(stats.pausedUntil !== undefined ? { pausedForMs: stats.pausedUntil - now } : {}),
    });
    if (!this.checkpointAt && progress.etaMs !== undefined && progress.fraction >= CHECKPOINT_FRACTION && progress.fraction < 1) {
      this.checkpointAt = { at: now, etaMs: progress.etaMs };
    }
    return progress;
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
