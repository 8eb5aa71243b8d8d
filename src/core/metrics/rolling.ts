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
  constructor(private readonly spanMs: number) {}

  add(at: number): void {
    this.times.pushBack(at);
  }

  count(now: number): number {
    while (this.times.length > 0 && this.times.peekFront()! <= now - this.spanMs) this.times.popFront();
    return this.times.length;
  }

  clear(): void {
    this.times.clear();
  }
}
