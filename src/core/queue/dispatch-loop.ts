import type { Clock, TimerHandle } from '../clock';
import type { Permit, RateLimiter } from '../limiter/types';
import type { Job } from './types';

export interface DispatchSource<T> {
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  /** Running, with a free concurrency slot. */
  canDispatch(): boolean;
  /** The job that should go next, without taking it. */
  peek(): Job<T> | undefined;
  /** Checked before asking the limiter; false stops the loop (the source has stopped the run). */
  mayStart(job: Job<T>): boolean;
  /** Takes `job` (the current head) off the queue and sends it. */
  start(job: Job<T>, permit: Permit): void;
  /** Told whenever the loop comes to rest. */
  onRest(): void;
}

/**
 * The one dispatch loop: admits the head job through the limiter while a slot is free, and when
 * the limiter refuses, sleeps on one re-armed timer instead of polling.
 */
export class DispatchLoop<T> {
  private running = false;
  private again = false;
  private wakeTimer?: TimerHandle;

  constructor(private readonly source: DispatchSource<T>) {}

  get busy(): boolean {
    return this.running;
  }

  async pump(): Promise<void> {
    // One loop at a time: admit() is async and two loops would race for one slot.
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.dispatchWhilePossible();
      } while (this.again);
    } finally {
      this.running = false;
    }
    this.source.onRest();
  }

  clearWake(): void {
    if (this.wakeTimer) this.source.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private async dispatchWhilePossible(): Promise<void> {
    const { limiter } = this.source;
    while (this.source.canDispatch()) {
      const job = this.source.peek();
      if (!job || !this.source.mayStart(job)) return;
      const { inputTokens, maxTokens, expectedOutputTokens } = job.next;
      const decision = await limiter.admit({ modelClass: job.modelClass, inputTokens, maxTokens, expectedOutputTokens });
      if (!decision.admitted) {
        this.armWake(decision.waitMs);
        return;
      }
      // The world may have moved while admit() was pending.
      if (!this.source.canDispatch() || this.source.peek() !== job) {
        await limiter.settle(decision.permit, { outcome: 'not_sent' });
        continue;
      }
      this.source.start(job, decision.permit);
    }
  }

  private armWake(ms: number): void {
    // One timer, re-armed: stacking one per refusal would wake the loop N times for nothing.
    this.clearWake();
    this.wakeTimer = this.source.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      void this.pump();
    }, Math.max(1, ms));
  }
}
