/**
 * MinHash signatures over 32-bit shingle hashes. Each of the `n` hash functions is a seeded
 * 32-bit mix (murmur3's finalizer over x XOR seed), all in integer arithmetic, so the signature is
 * exact and repeatable (the `minhash` npm package goes through floating point and loses precision).
 */
export const SIGNATURE_SIZE = 128;

function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export class MinHasher {
  private readonly seeds: Uint32Array;

  constructor(
    readonly size = SIGNATURE_SIZE,
    seed = 0x9e3779b9,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError(`Expected \`size\` to be an integer from 1 up, got \`${size}\``);
    this.seeds = new Uint32Array(size);
    let s = seed >>> 0;
    for (let i = 0; i < size; i++) {
      s = fmix32(s + 0x6d2b79f5);
      this.seeds[i] = s;
    }
  }

  signature(shingles: Uint32Array): Uint32Array {
    const sig = new Uint32Array(this.size).fill(0xffffffff);
    for (let i = 0; i < this.size; i++) {
      const seed = this.seeds[i]!;
      let min = 0xffffffff;
      for (let j = 0; j < shingles.length; j++) {
        const h = fmix32(shingles[j]! ^ seed);
        if (h < min) min = h;
      }
      sig[i] = min;
    }
    return sig;
  }
}
