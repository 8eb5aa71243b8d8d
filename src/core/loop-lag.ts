import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock, type Clock } from './clock';

/**
 * How long this process's event loop has lately been held up (CPU starvation, a long synchronous
 * task, garbage collection): its worst recent p99 for the limiter's transit allowance, its last
 * second's mean for the processor's load probe (queue/machine-capacity.ts). A permit admitted just before
 * such a stall is sent just after it, together with what is admitted then: the server sees the two
 * bunched, and its short window only forgives as much bunching as the allowance covers. A fixed
 * allowance of 100-200 ms held on a quiet machine; at load 15 on two cores, stalls of 500 ms and
 * more drew 429s by the hundred (bench/README.md).
 */
export interface DelayHistogram {
  /** Nanoseconds. */
  percentile(p: number): number;
  /** Nanoseconds. */
  readonly mean: number;
  readonly count: number;
  reset(): void;
  disable(): void;
}

export interface LoopLagOptions {
  /** One p99 is taken per window. Default 1,000 ms. */
  windowMs?: number;
  /** The lag is the largest p99 of the last this many windows, so it decays a few seconds after a stall. Default 5. */
  windows?: number;
}

export class LoopLag {
  private readonly windowMs: number;
  private readonly windows: number;
  private readonly recent: number[] = [];
  private windowStart: number;
  private lag = 0;
  private mean = 0;

  constructor(
    private readonly clock: Clock,
    private readonly histogram: DelayHistogram,
    options: LoopLagOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 1_000;
    this.windows = options.windows ?? 5;
    this.windowStart = clock.now();
  }

  /** Milliseconds: the worst recent p99 delay. Cheap: the histogram is read once per window. */
  lagMs(): number {
    this.rotate();
    return this.lag;
  }

  /** Milliseconds: the mean delay over the last window that ended. */
  meanMs(): number {
    this.rotate();
    return this.mean;
  }

  private rotate(): void {
    const now = this.clock.now();
    if (now - this.windowStart < this.windowMs) return;
    // A gap of several windows with no question asked counts as one window: its p99 is what it saw.
    if (now - this.windowStart >= this.windowMs * this.windows) this.recent.length = 0;
    const h = this.histogram;
    const sampled = h.count > 0;
    this.recent.push(sampled ? h.percentile(99) / 1e6 : 0);
    if (this.recent.length > this.windows) this.recent.shift();
    this.mean = sampled ? h.mean / 1e6 : 0;
    h.reset();
    this.windowStart = now;
    this.lag = Math.max(...this.recent);
  }

  dispose(): void {
    this.histogram.disable();
  }
}

let shared: LoopLag | undefined;

/**
 * The one monitor of this process's event loop, started on first use, which is a limiter's first
 * update: what stalled the loop before anything was admitted (start-up, planning) cannot bunch
 * requests and is not counted. Every limiter of the process reads it; it holds no handle that
 * keeps the process open.
 */
export function processLoopLag(): LoopLag {
  if (!shared) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    shared = new LoopLag(systemClock, h);
  }
  return shared;
}

/** Stops the process's monitor (the extension's deactivation); a later use starts a new one. */
export function stopProcessLoopLag(): void {
  shared?.dispose();
  shared = undefined;
}
