import { Deque } from '../queue/deque';

/** The last `capacity` samples, for mean and percentiles without unbounded memory. */
export class SampleWindow {
  private readonly samples = new Deque<number>();
  constructor(private readonly capacity: number) {}

  add(value: number): void {
    this.samples.pushBack(value);
    if (this.samples.length > this.capacity) this.samples.popFront();
  }

  summary(): { count: number; mean: number; p50: number; p95: number } {
    const values = [...this.samples].sort((a, b) => a - b);
    if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0 };
    const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
    return { count: values.length, mean: values.reduce((a, b) => a + b, 0) / values.length, p50: at(0.5), p95: at(0.95) };
  }

  clear(): void {
    this.samples.clear();
  }
}

/** Timestamps of events in the trailing `spanMs`. */
export class TrailingCounter {
  private readonly times = new Deque<number>();
  private since?: number;
  constructor(private readonly spanMs: number) {}

  add(at: number): void {
    if (this.times.length === 0 || this.since === undefined) this.since = at;
    this.times.pushBack(at);
  }

  /**
   * Events per `spanMs`, measured over the part of the span that activity has covered (at least
   * `minSpanMs`): a run 20 s old completing 10 a second reads 600/min, not the 200 of its first 20 s.
   * Below `minSpanMs` the time not yet covered counts at `priorPerSpan` (a forecast) when given, else
   * as time with no events, so a young run's rate starts at the forecast and moves to what it measures.
   */
  rate(now: number, minSpanMs: number, activeSince?: number, priorPerSpan?: number): number {
    const n = this.count(now);
    if (n === 0 && priorPerSpan === undefined) return 0;
    const start = Math.min(activeSince ?? this.since ?? now, this.since ?? now);
    const elapsed = Math.max(0, now - start);
    const covered = Math.min(this.spanMs, Math.max(minSpanMs, elapsed));
    const forecast = priorPerSpan === undefined ? 0 : (priorPerSpan / this.spanMs) * Math.max(0, minSpanMs - elapsed);
    return ((n + forecast) * this.spanMs) / covered;
  }

  count(now: number): number {
    while (this.times.length > 0 && this.times.peekFront()! <= now - this.spanMs) this.times.popFront();
    return this.times.length;
  }

  clear(): void {
    this.times.clear();
    this.since = undefined;
  }
}
