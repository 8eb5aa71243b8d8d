import type { Clock, TimerHandle } from '../clock';
import type { ClassifiedError } from '../errors';
import type { RateLimiter } from '../limiter/types';

export interface RateLimitPauseOptions {
  /** Pause after a 429 without retry-after; doubles with each consecutive 429. */
  readonly basePauseMs: number;
  /** Ceiling of that fallback pause. */
  readonly maxPauseMs: number;
}

/** What a pause means to the processor; each hook is one step of its side. */
export interface RateLimitPauseHooks {
  /** True while the run is stopping or stopped: a 429 then only counts, it holds nothing. */
  halted(): boolean;
  /** A pause began: hold all dispatch, synchronously. */
  held(): void;
  /** The pause's end is known (and may have grown): tell listeners. */
  announced(until: number, error: ClassifiedError): void;
  /** The pause ran out by itself. */
  ended(): void;
}

/**
 * The 429 pause that holds all dispatch: when it begins and ends, how long the fallback lasts after
 * a run of 429s, and the one timer that ends it. The processor's hooks decide what holding means.
 */
export class RateLimitPause {
  private until?: number;
  private timer?: TimerHandle;
  private streak = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limiter: Pick<RateLimiter, 'snapshot'>,
    private readonly options: RateLimitPauseOptions,
    private readonly hooks: RateLimitPauseHooks,
  ) {}

  /** When the pause ends by itself (epoch ms), or undefined when not paused. */
  get pausedUntil(): number | undefined {
    return this.until;
  }

  /** A request got through: the next 429 starts the fallback from its base again. */
  recordSuccess(): void {
    this.streak = 0;
  }

  /** Synchronous: counts the 429 and, unless the run is halted, holds dispatch from here on. */
  begin(error: ClassifiedError): void {
    this.streak++;
    if (this.hooks.halted()) return;
    this.hold(error.retryAfterMs ?? this.fallbackMs());
    this.hooks.held();
  }

  /** Without retry-after the limiter may know better (reset headers): the pause can only grow. */
  async announce(error: ClassifiedError, modelClass: string): Promise<void> {
    if (this.hooks.halted()) return;
    if (error.retryAfterMs === undefined) {
      const snapshot = await this.limiter.snapshot(modelClass).catch(() => undefined);
      if (this.hooks.halted()) return;
      this.hold(Math.max(this.fallbackMs(), (snapshot?.pausedUntil ?? 0) - this.clock.now()));
    }
    // The pause may already have run out while the settlement was pending; then there is nothing to announce.
    if (this.until === undefined) return;
    this.hooks.announced(this.until, error);
  }

  /** Drops the pause without calling `ended` (the run stopped). */
  clear(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.until = undefined;
  }

  /** The pause for a 429 that came without retry-after. */
  private fallbackMs(): number {
    return Math.min(this.options.maxPauseMs, this.options.basePauseMs * 2 ** Math.max(0, this.streak - 1));
  }

  /** Holds for `ms` from now; never shortens a pause already holding longer. */
  private hold(ms: number): void {
    const until = this.clock.now() + ms;
    if (this.until !== undefined && until <= this.until) return;
    this.until = until;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.until = undefined;
      this.hooks.ended();
    }, ms);
  }
}
