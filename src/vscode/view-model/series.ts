import type { RunSnapshot } from '../../core/generate/run/run-types';

export const THROUGHPUT_POINTS = 60;
export const THROUGHPUT_SAMPLE_MS = 5000;

/**
 * Notes when the run last sent a request, from the snapshots' `started` total, so the view can
 * say "nothing sent for 14 s" instead of showing a running run that does nothing.
 */
export class SendWatch {
  private started = -1;
  private since = 0;

  /** Returns how long nothing new was sent while work waited, as of `now`. */
  observe(snapshot: RunSnapshot | undefined, now: number): number {
    if (!snapshot) {
      this.started = -1;
      return 0;
    }
    const started = snapshot.metrics.totals.started;
    const waiting = snapshot.metrics.processor.queuedTotal > 0;
    if (started !== this.started || !waiting) {
      this.started = started;
      this.since = now;
      return 0;
    }
    return Math.max(0, now - this.since);
  }
}

/**
 * Completions-per-minute samples held by the host: at most one every THROUGHPUT_SAMPLE_MS, the
 * last THROUGHPUT_POINTS kept. `sample` is called on every snapshot; it decides whether to keep it.
 */
export class ThroughputSeries {
  private points: number[] = [];
  private lastAt: number | undefined;

  constructor(
    private readonly everyMs = THROUGHPUT_SAMPLE_MS,
    private readonly max = THROUGHPUT_POINTS,
  ) {}

  sample(at: number, perMinute: number): boolean {
    if (this.lastAt !== undefined && at - this.lastAt < this.everyMs) return false;
    this.lastAt = at;
    this.points.push(Math.max(0, Number.isFinite(perMinute) ? perMinute : 0));
    if (this.points.length > this.max) this.points.splice(0, this.points.length - this.max);
    return true;
  }

  values(): number[] {
    return [...this.points];
  }

  clear(): void {
    this.points = [];
    this.lastAt = undefined;
  }
}
