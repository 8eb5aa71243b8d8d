import type { Clock, TimerHandle } from '../clock';

export interface RateLimitPauseOptions {
  /** Pause after a 429 without retry-after; doubles with each consecutive 429. */
  readonly basePauseMs: number;
  /** Ceiling of that fallback pause. */
  readonly maxPauseMs: number;
}

/**
 * The 429 pause that holds all dispatch: when it ends, how long the fallback lasts after a run of
 * 429s, and the one timer that ends it. It only keeps time; the processor decides what a pause means.
 */
export class RateLimitPause {
  private until?: number;
  private timer?: TimerHandle;
  private streak = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: RateLimitPauseOptions,
    private readonly onEnd: () => void,
  ) {}

  /** When the pause ends by itself (epoch ms), or undefined when not paused. */
  get pausedUntil(): number | undefined {
    return this.until;
  }

  /** Counts a 429; consecutive ones grow the fallback pause. */
  recordRateLimit(): void {
    this.streak++;
  }

  /** A request got through: the next 429 starts the fallback from its base again. */
  recordSuccess(): void {
    this.streak = 0;
  }

  /** The pause for a 429 that came without retry-after. */
  fallbackMs(): number {
    return Math.min(this.options.maxPauseMs, this.options.basePauseMs * 2 ** Math.max(0, this.streak - 1));
  }

  /** Holds for `ms` from now; never shortens a pause already holding longer. */
  hold(ms: number): void {
    const until = this.clock.now() + ms;
    if (this.until !== undefined && until <= this.until) return;
    this.until = until;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.until = undefined;
      this.onEnd();
    }, ms);
  }

  /** Drops the pause without calling `onEnd` (the run stopped). */
  clear(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.until = undefined;
  }
}
