import { jaccard, shingleSet } from '../../src/core/dataset/shingles';

/** A seeded PRNG (mulberry32), so the planted corpus is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlantedCorpus {
  texts: string[];
  /** Pairs [original, copy] with their true Jaccard similarity. */
  pairs: { a: number; b: number; similarity: number }[];
}

/**
 * `originals` random texts over a large vocabulary, and for some of them a copy with a share of
 * its words replaced: copies span Jaccard levels on both sides of any threshold.
 */
export function plantedCorpus(originals: number, seed = 7, wordsPerText = 120): PlantedCorpus {
  const random = seeded(seed);
  const vocab = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
  const pick = () => vocab[Math.floor(random() * vocab.length)]!;
  const texts: string[] = [];
  const pairs: PlantedCorpus['pairs'] = [];
  for (let i = 0; i < originals; i++) {
    const w = Array.from({ length: wordsPerText }, pick);
    texts.push(w.join(' '));
    if (i % 2 === 0) {
      // Replace 0..16 % of the words, each at a random place: similarity from ~1 down to ~0.55.
      const share = ((i / 2) % 17) / 100;
      const copy = w.map((x) => (random() < share ? pick() : x));
      texts.push(copy.join(' '));
      pairs.push({ a: texts.length - 2, b: texts.length - 1, similarity: jaccard(shingleSet(w.join(' ')), shingleSet(copy.join(' '))) });
    }
  }
  return { texts, pairs };
}
