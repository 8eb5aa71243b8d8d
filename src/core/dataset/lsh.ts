import { fnv1a } from './shingles';

export interface Banding {
  bands: number;
  rows: number;
}

/** Chance that two sets of Jaccard `j` share at least one band, i.e. become candidates. */
export function candidateProbability(j: number, { bands, rows }: Banding): number {
  return 1 - (1 - j ** rows) ** bands;
}

/**
 * The banding for a threshold: as many rows per band as keep recall at the threshold above
 * 99 % (more rows = fewer false candidates to confirm). Candidates are always confirmed by their
 * real Jaccard similarity, so precision never depends on this choice; recall does.
 */
export function bandingFor(threshold: number, signatureSize: number): Banding {
  let best: Banding = { bands: signatureSize, rows: 1 };
  for (let rows = 1; rows <= signatureSize; rows++) {
    const bands = Math.floor(signatureSize / rows);
    if (bands < 1) break;
    if (candidateProbability(threshold, { bands, rows }) >= 0.99) best = { bands, rows };
  }
  return best;
}

/**
 * Candidates found for one document before they are deduplicated with a set: up to this many, a
 * scan of the few found so far is cheaper than making one.
 */
const SCAN_CANDIDATES = 16;

/**
 * Buckets of document numbers per band; a document's candidates are those sharing any bucket.
 * Most keys belong to one document, so a bucket holds a bare number until a second one joins it:
 * an array per key per band was most of what indexing a run's conversations allocated. Keys are
 * looked up as signed 32-bit numbers: V8 keeps those unboxed, where a key above 2^31 is a heap
 * number made anew for every lookup.
 */
export class LshIndex {
  private readonly buckets: Map<number, number | number[]>[];

  constructor(readonly banding: Banding) {
    this.buckets = Array.from({ length: banding.bands }, () => new Map());
  }

  /** The signature's bucket key in every band: all the index needs of a document (dedup-index.ts keeps them). */
  keysOf(signature: Uint32Array): Uint32Array {
    const keys = new Uint32Array(this.banding.bands);
    for (let b = 0; b < this.banding.bands; b++) keys[b] = this.key(signature, b);
    return keys;
  }

  private key(signature: Uint32Array, band: number): number {
    const { rows } = this.banding;
    let h = fnv1a('', 0x811c9dc5 ^ band);
    for (let r = band * rows; r < (band + 1) * rows; r++) {
      const v = signature[r]!;
      h = Math.imul(h ^ (v & 0xffff), 0x01000193);
      h = Math.imul(h ^ (v >>> 16), 0x01000193);
    }
    return h >>> 0;
  }

  /** Documents already added that share a band with this signature, without repeats. */
  candidates(signature: Uint32Array): number[] {
    return this.candidatesOfKeys(this.keysOf(signature));
  }

  candidatesOfKeys(keys: Uint32Array): number[] {
    const found: number[] = [];
    let seen: Set<number> | undefined;
    for (let b = 0; b < this.banding.bands; b++) {
      const hit = this.buckets[b]!.get(keys[b]! | 0);
      if (hit === undefined) continue;
      const docs = typeof hit === 'number' ? [hit] : hit;
      for (const doc of docs) {
        if (seen ? seen.has(doc) : found.includes(doc)) continue;
        if (!seen && found.length === SCAN_CANDIDATES) seen = new Set(found);
        seen?.add(doc);
        found.push(doc);
      }
    }
    return found;
  }

  add(doc: number, signature: Uint32Array): void {
    this.addKeys(doc, this.keysOf(signature));
  }

  addKeys(doc: number, keys: Uint32Array): void {
    for (let b = 0; b < this.banding.bands; b++) {
      const bucket = this.buckets[b]!;
      const key = keys[b]! | 0;
      const had = bucket.get(key);
      if (had === undefined) bucket.set(key, doc);
      else if (typeof had === 'number') bucket.set(key, [had, doc]);
      else had.push(doc);
    }
  }
}
