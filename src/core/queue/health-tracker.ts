import type { Clock, TimerHandle } from '../clock';
import { healthOf, type Health } from '../limiter/health';
import type { LimiterSnapshot, RateLimiter } from '../limiter/types';
import { CoalescedTask } from './coalesced-task';
import type { ProcessorHealth } from './events';

export interface HealthSources {
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  /** Model classes the run has used so far. */
  modelClasses(): Iterable<string>;
  /** When the processor's own 429 pause ends, if one holds. */
  pausedUntil(): number | undefined;
  /** Told about every fresh set of snapshots (the concurrency controller learns limits from them). */
  onSnapshots?(snapshots: readonly LimiterSnapshot[]): void;
  /** Told only when the verdict changes. */
  onChange(snapshot: ProcessorHealth): void;
}

const SETTLED_REFRESH_MS = 100;

/**
 * The run's health verdict: the worst utilization across model classes, throttled while any
 * pause holds. Refreshes are coalesced (one at a time, one more if asked meanwhile) and the
 * verdict is reported only when it changes.
 */
export class HealthTracker {
  private verdict: Health = 'healthy';
  private readonly refreshes = new CoalescedTask(() => this.refreshOnce());
  private lastSettledAt = Number.NEGATIVE_INFINITY;
  private timer?: TimerHandle;

  constructor(private readonly sources: HealthSources) {}

  get current(): Health {
    return this.verdict;
  }

  async refresh(): Promise<void> {
    try {
      await this.refreshes.run();
    } catch {
      // Health is advisory; a failing snapshot leaves the last verdict in place.
    }
  }

  /**
   * After a request settles: at most one refresh per `SETTLED_REFRESH_MS`, the last one deferred
   * rather than dropped. At thousands of completions a second a snapshot of every class after each
   * one was a large share of the engine's CPU; the verdict and the learned limits need no more.
   */
  settled(): void {
    if (this.timer) return;
    const wait = this.lastSettledAt + SETTLED_REFRESH_MS - this.sources.clock.now();
    if (wait <= 0) {
      this.lastSettledAt = this.sources.clock.now();
      void this.refresh();
      return;
    }
    this.timer = this.sources.clock.setTimeout(() => {
      this.timer = undefined;
      this.settled();
    }, wait);
  }

  dispose(): void {
    if (this.timer) this.sources.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refreshOnce(): Promise<void> {
    const { limiter } = this.sources;
    const limiters = await Promise.all([...this.sources.modelClasses()].map((m) => limiter.snapshot(m)));
    this.sources.onSnapshots?.(limiters);
    const pausedUntil = this.sources.pausedUntil();
    const utilization = Math.max(0, ...limiters.map((s) => s.utilization));
    const paused = pausedUntil !== undefined || limiters.some((s) => s.health === 'throttled');
    const health = healthOf(utilization, paused);
    if (health !== this.verdict) {
      this.verdict = health;
      this.sources.onChange({ health, limiters, ...(pausedUntil !== undefined ? { pausedUntil } : {}) });
    }
  }
}
