import type { Clock } from '../../clock';
import type { QueueProcessor } from '../../queue/processor';
import type { Priority } from '../../queue/types';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationSpec } from '../types';
import { BatchHolds } from './batch-holds';
import type { BatchPlan } from './batch-plan';
import type { ConversationJob } from './run-jobs';
import type { JobFilter } from './run-types';

/** Fewest jobs a batch keeps made ahead of dispatch. */
const MIN_WINDOW = 1024;

/**
 * A run's work, planned lazily batch by batch (batch-plan.ts): each batch keeps a window of jobs in
 * the processor, refilled as jobs finish; held batches wait (with the jobs taken out of dispatch,
 * in BatchHolds); job pages and the estimate's sample are made from the plans on demand.
 */
export class RunPlans {
  readonly holds: BatchHolds;
  private readonly plans = new Map<string, BatchPlan>();
  /** Twice the concurrency ceiling (at least MIN_WINDOW): the slots never starve, memory holds a window. */
  private readonly window: number;

  constructor(
    private readonly processor: QueueProcessor<ConversationJobData>,
    private readonly clock: Clock,
  ) {
    this.holds = new BatchHolds(processor);
    this.window = Math.max(MIN_WINDOW, 2 * processor.stats.maxConcurrency);
  }

  add(plan: BatchPlan): void {
    this.plans.set(plan.id, plan);
  }

  /**
   * Tops up `plan`'s jobs in the processor (every plan's when none is named) once half its window
   * has gone; nothing for a held, dropped or finished batch or a stopping processor. Returns how
   * many jobs it added.
   */
  feed(plan?: BatchPlan): number {
    if (!plan) return [...this.plans.values()].reduce((n, p) => n + this.feed(p), 0);
    if (plan.held || plan.dropped || plan.pending === 0) return 0;
    const state = this.processor.state;
    if (state === 'stopping' || state === 'stopped') return 0;
    if (plan.liveCount > this.window / 2) return 0;
    const jobs = plan.take(this.window - plan.liveCount, this.clock.now());
    if (jobs.length > 0) this.processor.add(jobs);
    return jobs.length;
  }

  /** A job ended: its plan keeps the outcome and lets the job go; the window refills. */
  finished(job: ConversationJob): void {
    const plan = this.plans.get(job.batchId);
    if (!plan) return;
    plan.finish(job);
    this.feed(plan);
  }

  /** Conversations planned for this run that have no job in the processor yet. */
  unqueued(): number {
    let n = 0;
    for (const p of this.plans.values()) if (!p.dropped) n += p.pending;
    return n;
  }

  /** Takes a batch's queued jobs (and those not yet made) out of dispatch. Returns how many. */
  hold(batchId: string): number {
    const plan = this.plans.get(batchId)!;
    plan.held = true;
    return this.holds.hold(batchId, plan.liveJobs()) + (plan.dropped ? 0 : plan.pending);
  }

  release(batchId: string): number {
    const plan = this.plans.get(batchId)!;
    plan.held = false;
    const released = this.holds.release(batchId);
    return released + (plan.dropped ? 0 : this.feed(plan) + plan.pending);
  }

  /** Drops a batch: its unfinished conversations stay unwritten for a later run. */
  drop(batchId: string): number {
    const n = this.hold(batchId);
    this.plans.get(batchId)!.dropped = true;
    this.holds.drop(batchId);
    return n;
  }

  setPriority(batchId: string, priority: Priority): number {
    this.plans.get(batchId)!.priority = priority;
    for (const job of this.holds.heldJobs(batchId)) job.priority = priority;
    return this.processor.changePriority({ batchId }, priority);
  }

  /** Every batch's plan, in the order the batches joined the run. */
  all(): Iterable<BatchPlan> {
    return this.plans.values();
  }

  modelClasses(): string[] {
    return [...new Set([...this.plans.values()].map((p) => p.model.modelClass))];
  }

  /** A page of the run's jobs, batch by batch in index order; finished ones are made for the page. */
  listJobs(offset: number, limit: number, filter: JobFilter): { total: number; jobs: ConversationJob[] } {
    const now = this.clock.now();
    let total = 0;
    const jobs: ConversationJob[] = [];
    for (const plan of this.plans.values()) {
      if (filter.batchId !== undefined && plan.id !== filter.batchId) continue;
      const n = plan.count(filter.state);
      const from = Math.max(0, offset - total);
      if (jobs.length < limit && from < n) jobs.push(...plan.page(from, limit - jobs.length, filter.state, now));
      total += n;
    }
    return { total, jobs };
  }

  /** An even sample of what is still to generate (at most `maxPerBatch` per batch), each spec standing for `weight`. */
  estimateSample(maxPerBatch: number): { spec: ConversationSpec; weight: number }[] {
    const out: { spec: ConversationSpec; weight: number }[] = [];
    for (const plan of this.plans.values()) {
      const { specs, weight } = plan.sample(maxPerBatch);
      for (const spec of specs) out.push({ spec, weight });
    }
    return out;
  }
}
