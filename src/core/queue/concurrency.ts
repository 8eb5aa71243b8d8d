import type { Limits } from '../limiter/types';

export interface ConcurrencyOptions {
  /** Hard ceiling: the user's maximum (which always wins) or what the machine can hold. */
  max: number;
  /** Where to start before any latency is observed. */
  initial: number;
  /** Multiplier over Little's law so a latency spike does not starve the pipe. */
  headroom?: number;
  /** Minimum time between two increases (each at most doubles the value). Default 250 ms. */
  rampIntervalMs?: number;
  /** How long an acceleration-limit 429 holds the halved value before it may grow again. Default 8,000 ms. */
  accelerationHoldMs?: number;
  /** True while the process has no CPU to spare: the value does not grow then. */
  overloaded?: () => boolean;
}

/**
 * Decides how many requests may be in flight. By Little's law the slots needed to sustain a
 * request rate λ at mean latency W are λ·W; λ is what the limits allow for the requests we
 * actually send (the tightest of RPM, ITPM / mean input, OTPM / mean output), summed over the
 * model classes with work, since each class has limits of its own.
 *
 * Why the ramp may be fast: slots do not set the request rate, the limiter does (a bucket of one
 * second of refill at 98 % of the limit, see src/core/limiter). A slot beyond λ·W sits idle rather
 * than sending a burst, so growing the slots is not the "sharp rise in traffic" that trips
 * acceleration limits (API-FACTS); the limiter's pacing is what keeps the rise gradual. What a
 * slow ramp costs is real: with 2-4 s answers at 600 RPM ~37 slots are needed, and growing by a
 * quarter every 2 s took over 24 s to get there. So:
 * - before any latency is known there is no target: the value doubles every `rampIntervalMs`
 *   while it is what holds dispatch back (every slot busy, work waiting: `slotBound`), so 4 slots
 *   become 64 within a second of being short, and never grow while the limiter is the gate;
 * - once latency is measured the value follows the Little's-law target: up by doubling per
 *   interval (so a first, low latency sample cannot overshoot far), down at once;
 * - an acceleration-limit 429 still halves it and holds it there for `accelerationHoldMs`.
 */
export class ConcurrencyController {
  private value: number;
  private meanLatencyMs?: number;
  private meanInput?: number;
  private meanOutput?: number;
  private limits?: Limits;
  /** When the value last grew; undefined until the first chance to grow, which starts the clock. */
  private lastGrowAt?: number;
  private holdUntil = Number.NEGATIVE_INFINITY;
  private acceptedOnce = false;
  private readonly headroom: number;
  private readonly rampIntervalMs: number;
  private readonly accelerationHoldMs: number;

  constructor(private readonly options: ConcurrencyOptions) {
    this.value = Math.min(options.max, Math.max(1, options.initial));
    this.headroom = options.headroom ?? 1.25;
    this.rampIntervalMs = options.rampIntervalMs ?? 250;
    this.accelerationHoldMs = options.accelerationHoldMs ?? 8000;
  }

  get current(): number {
    return this.value;
  }

  get max(): number {
    return this.options.max;
  }

  /** Slots Little's law asks for, before the cap and the ramp; undefined until measurable. */
  get target(): number | undefined {
    if (this.meanLatencyMs === undefined || !this.limits) return undefined;
    let perMinute = this.limits.requestsPerMinute;
    if (this.meanInput && this.meanInput > 0) perMinute = Math.min(perMinute, this.limits.inputTokensPerMinute / this.meanInput);
    if (this.meanOutput && this.meanOutput > 0) perMinute = Math.min(perMinute, this.limits.outputTokensPerMinute / this.meanOutput);
    return Math.max(1, Math.ceil((perMinute / 60_000) * this.meanLatencyMs * this.headroom));
  }

  /**
   * The limits of every model class with work. Classes run side by side, each under its own
   * limits, so the rates they allow add up; with one class this is simply its limits. Returns
   * true when the value grew (see `accepted`).
   */
  observeLimits(perClass: readonly Limits[]): boolean {
    if (perClass.length === 0) return false;
    this.limits = {
      requestsPerMinute: sum(perClass, (l) => l.requestsPerMinute),
      inputTokensPerMinute: sum(perClass, (l) => l.inputTokensPerMinute),
      outputTokensPerMinute: sum(perClass, (l) => l.outputTokensPerMinute),
    };
    return this.liftToOneSecond();
  }

  /**
   * The key works: a response began, or count_tokens answered for every prompt file of the run
   * (QueueProcessor.keyAccepted). From then until latency is known
   * the value is at least one second of requests at the known limits (the user's maximum still
   * wins): the limiter's bucket holds about one second of refill, so a first burst of that size is
   * what it admits anyway, and fewer slots only held it back (at 10,000 RPM, doubling from 4 took
   * 1.5 s to pass the 167 the first second needs). Not before: a bad key or a wrong model name
   * must cost the initial few requests, not a second's worth. Not after an acceleration limit
   * (its halving stands) nor while the process is short of CPU. Returns true the first time.
   */
  accepted(): boolean {
    if (this.acceptedOnce) return false;
    this.acceptedOnce = true;
    this.liftToOneSecond();
    return true;
  }

  private liftToOneSecond(): boolean {
    if (!this.acceptedOnce || !this.limits || this.meanLatencyMs !== undefined) return false;
    if (this.holdUntil !== Number.NEGATIVE_INFINITY || this.options.overloaded?.()) return false;
    const oneSecond = Math.min(this.options.max, Math.ceil(this.limits.requestsPerMinute / 60));
    if (oneSecond <= this.value) return false;
    this.value = oneSecond;
    return true;
  }

  /** Feeds one completed request: lowers the value to the target at once, or grows one step towards it. */
  observe(sample: { latencyMs: number; inputTokens: number; outputTokens: number }, now: number): void {
    this.meanLatencyMs = ewma(this.meanLatencyMs, sample.latencyMs);
    this.meanInput = ewma(this.meanInput, sample.inputTokens);
    this.meanOutput = ewma(this.meanOutput, sample.outputTokens);
    const target = this.target;
    if (target !== undefined && target < this.value) {
      // Going down is always safe and immediate.
      this.value = target;
      return;
    }
    this.grow(now);
  }

  /**
   * Every slot is busy and work is waiting: the slots, not the limiter, hold dispatch back. Grows
   * one step if it may. Returns the milliseconds after which asking again could grow it, or
   * undefined when it is at its ceiling (the user's maximum, or the target once latency is known).
   */
  slotBound(now: number): number | undefined {
    this.grow(now);
    if (this.value >= this.ceiling()) return undefined;
    const readyAt = Math.max(this.holdUntil, (this.lastGrowAt ?? now) + this.rampIntervalMs);
    return Math.max(1, readyAt - now);
  }

  /** The server said traffic rose too sharply: back off hard and hold for a while. */
  onAccelerationLimit(now: number): void {
    this.value = Math.max(1, Math.floor(this.value / 2));
    this.holdUntil = now + this.accelerationHoldMs;
    this.lastGrowAt = now;
  }

  private ceiling(): number {
    return Math.min(this.options.max, this.target ?? Number.POSITIVE_INFINITY);
  }

  private grow(now: number): void {
    const ceiling = this.ceiling();
    if (this.value >= ceiling || now < this.holdUntil || this.options.overloaded?.()) return;
    if (this.lastGrowAt === undefined) {
      // The first chance to grow starts the interval: `initial` gets one interval of its own.
      this.lastGrowAt = now;
      return;
    }
    if (now - this.lastGrowAt < this.rampIntervalMs) return;
    this.value = Math.min(ceiling, this.value * 2);
    this.lastGrowAt = now;
  }
}

function sum(limits: readonly Limits[], of: (l: Limits) => number): number {
  return limits.reduce((total, l) => total + of(l), 0);
}

function ewma(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous * 0.8 + sample * 0.2;
}
