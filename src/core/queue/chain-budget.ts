import type { ChainPolicy } from './priority-queue';
import type { Job } from './types';

/** A job's steps left, the next one included: what the strategy said, else one. */
export function stepsLeft(job: Job<unknown>): number {
  const n = job.next.stepsLeft;
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

/**
 * How many multi-request jobs (conversations of several turns) may be in progress at once.
 *
 * A chain makes one request per answer, so with `c` slots and answers taking W, in-progress chains
 * below `c` cannot reach the rate the slots allow. When no fresh work is left, what remains is the
 * chains in progress: with k of them and the longest-remaining-first order, their steps left are
 * spread evenly over 1..s (s = steps per chain), so they hold about k·(s+1)/2 requests to send in
 * the s·W their longest needs; for that to keep the rate c/W, k must be about 2·c·s/(s+1) — below
 * 2c. Allowing `c · s` chains (the slots times the chain's length) clears that with room for uneven
 * latency, while a run of 10,000 conversations still has only a few dozen open at a time, each
 * finished and written soon after it starts instead of all of them at the very end.
 */
export class ChainBudget<T> implements ChainPolicy<Job<T>> {
  /** Chains that have started and still have a step after the one in flight or queued. */
  private readonly open = new Set<Job<T>>();

  /** `slots`: the concurrency in force, read at each decision. */
  constructor(private readonly slots: () => number) {}

  get inProgress(): number {
    this.prune();
    return this.open.size;
  }

  stepsLeft(job: Job<T>): number {
    return stepsLeft(job);
  }

  mayStart(job: Job<T>): boolean {
    const steps = stepsLeft(job);
    if (steps <= 1) return true;
    const allowed = Math.max(1, this.slots()) * steps;
    if (this.open.size < allowed) return true;
    this.prune();
    return this.open.size < allowed;
  }

  /** A job was taken for dispatch: a chain opens at its first step and closes at its last. */
  taken(job: Job<T>): void {
    if (stepsLeft(job) > 1) this.open.add(job);
    else this.open.delete(job);
  }

  /** The job left the queue for good (removed, cancelled). */
  forget(job: Job<T>): void {
    this.open.delete(job);
  }

  /** Chains that ended without their last step (failed, cancelled) close here, lazily. */
  private prune(): void {
    for (const job of this.open) {
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') this.open.delete(job);
    }
  }
}
