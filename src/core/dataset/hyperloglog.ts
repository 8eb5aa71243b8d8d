/**
 * Distinct counts in fixed memory (2^p one-byte registers; p = 14 is 16 KB and ~0.8 % error), so
 * distinct-n over hundreds of thousands of conversations never holds the n-grams themselves.
 */
export class HyperLogLog {
  private readonly registers: Uint8Array;
  private readonly m: number;

  constructor(private readonly p = 14) {
    this.m = 1 << p;
    this.registers = new Uint8Array(this.m);
  }

  /** Adds an item by its 32-bit hash. */
  add(hash: number): void {
    // Re-mix: FNV's low bits are weak.
    let x = hash >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    x >>>= 0;
    const index = x >>> (32 - this.p);
    const rest = (x << this.p) >>> 0;
    const rank = rest === 0 ? 32 - this.p + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  count(): number {
    const m = this.m;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const estimate = (alpha * m * m) / sum;
    if (estimate <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(estimate);
  }
}
