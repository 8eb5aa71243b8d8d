import type { QueueProcessor } from '../../queue/processor';
import type { ConversationJobData } from '../strategies/executor';
import type { ConversationJob } from './run-jobs';

/**
 * Batches taken out of dispatch (paused or cancelled from the UI): their queued jobs leave the
 * processor and wait here. A run with held batches stays open until they are released or dropped.
 */
export class BatchHolds {
  private readonly held = new Map<string, ConversationJob[]>();
  private wake?: () => void;

  constructor(private readonly processor: QueueProcessor<ConversationJobData>) {}

  get empty(): boolean {
    return this.held.size === 0;
  }

  /** Takes the batch's queued jobs out of dispatch; in-flight requests finish. */
  hold(batchId: string, jobs: readonly ConversationJob[]): number {
    const taken = jobs.filter((j) => j.batchId === batchId && j.state === 'queued' && this.processor.remove(j.id));
    // Held even with nothing taken: the batch's jobs not yet made wait too, and keep the run open.
    this.held.set(batchId, [...(this.held.get(batchId) ?? []), ...taken]);
    return taken.length;
  }

  /** Puts the batch's held jobs back in the queue. */
  release(batchId: string): number {
    const jobs = this.held.get(batchId) ?? [];
    this.held.delete(batchId);
    if (jobs.length > 0) this.processor.add(jobs);
    this.wake?.();
    return jobs.length;
  }

  /** Forgets the batch's held jobs: they stay unwritten for a later run. */
  drop(batchId?: string): void {
    if (batchId === undefined) this.held.clear();
    else this.held.delete(batchId);
    this.wake?.();
  }

  heldJobs(batchId: string): readonly ConversationJob[] {
    return this.held.get(batchId) ?? [];
  }

  /** Resolves at the next release or drop. */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}
