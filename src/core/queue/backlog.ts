import type { Clock } from '../clock';
import { ChainBudget } from './chain-budget';
import { ClassQueues } from './class-queues';
import { RetryWaits } from './retry-waits';
import { moveJob } from './transitions';
import type { Job } from './types';

/**
 * Every job not in flight and not finished: queued (one PriorityQueue per model class, see
 * class-queues.ts) or sitting out a retry delay. Keeps when each job became ready to go, for
 * `started.waitedMs`, and every model class it has seen, for health.
 */
export class Backlog<T> {
  readonly queue: ClassQueues<Job<T>>;
  readonly modelClasses = new Set<string>();
  private readonly retryWaits: RetryWaits<T>;
  private readonly readyAt = new Map<string, number>();
  private readonly chains: ChainBudget<T>;

  /**
   * `onDue` is told when a retry delay ends and its job is back in the queue; `slots` is the
   * concurrency in force, which sizes how many multi-request jobs may be in progress (chain-budget.ts).
   */
  constructor(
    private readonly clock: Clock,
    private readonly onDue: () => void,
    slots: () => number = () => 1,
  ) {
    this.retryWaits = new RetryWaits<T>(clock);
    this.chains = new ChainBudget<T>(slots);
    this.queue = new ClassQueues<Job<T>>(this.chains);
  }

  /** Multi-request jobs started and not yet on their last step. */
  get chainsInProgress(): number {
    return this.chains.inProgress;
  }

  get retryWaiting(): number {
    return this.retryWaits.size;
  }

  get empty(): boolean {
    return this.queue.size === 0 && this.retryWaits.size === 0;
  }

  isRetryWaiting(id: string): boolean {
    return this.retryWaits.has(id);
  }

  /** Fresh work: its state becomes `queued`. Throws if a job with that id is already queued. */
  add(job: Job<T>): void {
    job.state = 'queued';
    this.queue.enqueue(job);
    this.readyAt.set(job.id, this.clock.now());
    this.modelClasses.add(job.modelClass);
  }

  /** Back in the queue ahead of fresh work of its priority (a retry, a continued step, a 429). */
  requeue(job: Job<T>): void {
    moveJob(job, 'queued');
    this.queue.requeue(job);
    this.readyAt.set(job.id, this.clock.now());
  }

  /** Waits `delayMs` in retry_wait, then requeues; at once when `delayMs` is 0. */
  retryLater(job: Job<T>, delayMs: number): void {
    if (delayMs <= 0) return this.requeue(job);
    moveJob(job, 'retry_wait');
    this.retryWaits.add(job, delayMs, (due) => {
      this.requeue(due);
      this.onDue();
    });
  }

  /** Ends every retry delay now, requeueing those jobs (no retries wait after a stop). */
  requeueRetryWaits(): void {
    for (const job of this.retryWaits.drain()) this.requeue(job);
  }

  /** Takes `job` (the head of its class) for dispatch; returns how long it waited since it was ready. */
  take(job: Job<T>): number {
    this.queue.take(job);
    this.chains.taken(job);
    const waitedMs = this.clock.now() - (this.readyAt.get(job.id) ?? job.enqueuedAt);
    this.readyAt.delete(job.id);
    return waitedMs;
  }

  remove(id: string): boolean {
    const job = this.queue.remove(id);
    if (job) {
      this.readyAt.delete(id);
      this.chains.forget(job);
    }
    return job !== undefined;
  }
}
