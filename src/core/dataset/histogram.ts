/** Counts in fixed buckets (upper bounds, exclusive; the last is open), plus min, max and mean. */
export class Histogram {
  readonly counts: number[];
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }

  add(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value >= this.bounds[i]!) i++;
    this.counts[i]!++;
    this.n++;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  toJSON(): { count: number; min: number; max: number; mean: number; buckets: { label: string; count: number }[] } {
    const labels = this.counts.map((_, i) =>
      i === 0 ? `<${this.bounds[0]}` : i === this.bounds.length ? `${this.bounds[i - 1]}+` : `${this.bounds[i - 1]}–${this.bounds[i]! - 1}`,
    );
    return {
      count: this.n,
      min: this.n ? this.lo : 0,
      max: this.n ? this.hi : 0,
      mean: this.n ? this.sum / this.n : 0,
      buckets: this.counts.map((count, i) => ({ label: labels[i]!, count })),
    };
  }
}
