import type { Limits } from '../limiter/types';

export interface ConcurrencyOptions {
  /** Hard ceiling; a user-set maximum always wins. */
  max: number;
  /** Where to start before any latency is observed. */
  initial: number;
  /** Multiplier over Little's law so a latency spike does not starve the pipe. */
  headroom?: number;
  /** Minimum time between two increases; sharp rises trip acceleration limits. */
  rampIntervalMs?: number;
}

/**
 * Decides how many requests may be in flight. By Little's law the slots needed to sustain a
 * request rate λ at mean latency W are λ·W; λ is what the limits allow for the requests we
 * actually send (the tightest of RPM, ITPM / mean input, OTPM / mean output), summed over the
 * model classes with work, since each class has limits of its own. The value starts
 * modestly and grows step by step towards that target, and halves on an acceleration limit.
 */
export class ConcurrencyController {
  private value: number;
  private meanLatencyMs?: number;
  private meanInput?: number;
  private meanOutput?: number;
  private limits?: Limits;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private readonly headroom: number;
  private readonly rampIntervalMs: number;

  constructor(private readonly options: ConcurrencyOptions) {
    this.value = Math.min(options.max, Math.max(1, options.initial));
    this.headroom = options.headroom ?? 1.25;
    this.rampIntervalMs = options.rampIntervalMs ?? 2000;
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
   * limits, so the rates they allow add up; with one class this is simply its limits.
   */
  observeLimits(perClass: readonly Limits[]): void {
    if (perClass.length === 0) return;
    this.limits = {
      requestsPerMinute: sum(perClass, (l) => l.requestsPerMinute),
      inputTokensPerMinute: sum(perClass, (l) => l.inputTokensPerMinute),
      outputTokensPerMinute: sum(perClass, (l) => l.outputTokensPerMinute),
    };
  }

  /** Feeds one completed request; may raise the value by one ramp step. */
  observe(sample: { latencyMs: number; inputTokens: number; outputTokens: number }, now: number): void {
    this.meanLatencyMs = ewma(this.meanLatencyMs, sample.latencyMs);
    this.meanInput = ewma(this.meanInput, sample.inputTokens);
    this.meanOutput = ewma(this.meanOutput, sample.outputTokens);
    this.adjust(now);
  }

  /** The server said traffic rose too sharply: back off hard and hold for a while. */
  onAccelerationLimit(now: number): void {
    this.value = Math.max(1, Math.floor(this.value / 2));
    this.lastChangeAt = now + 4 * this.rampIntervalMs;
  }

  private adjust(now: number): void {
    const target = Math.min(this.options.max, this.target ?? this.value);
    if (target < this.value) {
      // Going down is always safe and immediate.
      this.value = target;
      return;
    }
    if (target === this.value || now - this.lastChangeAt < this.rampIntervalMs) return;
    // Grow by a quarter (at least one) per interval: fast enough, never a cliff.
    this.value = Math.min(target, this.value + Math.max(1, Math.floor(this.value / 4)));
    this.lastChangeAt = now;
  }
}

function sum(limits: readonly Limits[], of: (l: Limits) => number): number {
  return limits.reduce((total, l) => total + of(l), 0);
}

function ewma(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous * 0.8 + sample * 0.2;
}
