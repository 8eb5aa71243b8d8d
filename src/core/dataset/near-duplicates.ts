import { createHash } from 'node:crypto';
import { bandingFor, LshIndex, type Banding } from './lsh';
import { MinHasher } from './minhash';
import { jaccard, shingleSet, words } from './shingles';

export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;

export interface DuplicateVerdict {
  /** The earlier document this one duplicates. */
  duplicateOf: number;
  /** 1 for an exact duplicate (same words), else the confirmed Jaccard similarity. */
  similarity: number;
  exact: boolean;
}

/**
 * Finds exact and near-duplicates in one pass over a stream of documents: each document is
 * compared, through MinHash + LSH candidates confirmed by real Jaccard similarity, with those
 * before it, and the first one it matches is named. Memory grows with the unique documents'
 * shingle sets (a few KB each), not with pairs.
 */
export class NearDuplicateFinder {
  private readonly hasher = new MinHasher();
  private readonly index: LshIndex;
  private readonly exact = new Map<string, number>();
  private readonly sets: Uint32Array[] = [];
  private count = 0;
  readonly banding: Banding;

  constructor(readonly threshold = DEFAULT_DUPLICATE_THRESHOLD) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new TypeError(`Expected \`threshold\` to be a number above 0 and at most 1, got \`${threshold}\``);
    }
    this.banding = bandingFor(threshold, this.hasher.size);
    this.index = new LshIndex(this.banding);
  }

  /** Adds document number `this.count` and says whether it duplicates an earlier one. */
  add(text: string): DuplicateVerdict | undefined {
    const doc = this.count++;
    const fingerprint = createHash('sha1').update(words(text).join(' ')).digest('base64');
    const same = this.exact.get(fingerprint);
    if (same !== undefined) {
      this.sets.push(EMPTY);
      return { duplicateOf: same, similarity: 1, exact: true };
    }
    this.exact.set(fingerprint, doc);
    const set = shingleSet(text);
    const signature = this.hasher.signature(set);
    let best: DuplicateVerdict | undefined;
    for (const other of this.index.candidates(signature)) {
      const similarity = jaccard(set, this.sets[other]!);
      if (
        similarity >= this.threshold &&
        (!best || similarity > best.similarity || (similarity === best.similarity && other < best.duplicateOf))
      ) {
        best = { duplicateOf: other, similarity, exact: false };
      }
    }
    if (best) {
      // A duplicate is not indexed: later copies are matched against the original.
      this.sets.push(EMPTY);
      return best;
    }
    this.sets.push(set);
    this.index.add(doc, signature);
    return undefined;
  }
}

const EMPTY = new Uint32Array(0);
