import type { Clock, TimerHandle } from '../clock';
import type { Job } from './types';

/** Jobs sitting out a backoff delay, each with its own timer. */
export class RetryWaits<T> {
  private readonly waits = new Map<string, { job: Job<T>; timer: TimerHandle }>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waits.size;
  }

  has(id: string): boolean {
    return this.waits.has(id);
  }

  /** Calls `due(job)` after `delayMs`, unless drained first. */
  add(job: Job<T>, delayMs: number, due: (job: Job<T>) => void): void {
    const timer = this.clock.setTimeout(() => {
      this.waits.delete(job.id);
      due(job);
    }, delayMs);
    this.waits.set(job.id, { job, timer });
  }

  /** Cancels every timer and returns the waiting jobs, in the order they started waiting. */
  drain(): Job<T>[] {
    const jobs: Job<T>[] = [];
    for (const { job, timer } of this.waits.values()) {
      this.clock.clearTimeout(timer);
      jobs.push(job);
    }
    this.waits.clear();
    return jobs;
  }
}
