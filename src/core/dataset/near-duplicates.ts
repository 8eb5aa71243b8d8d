import { createHash } from 'node:crypto';
import { bandingFor, LshIndex, type Banding } from './lsh';
import { MinHasher } from './minhash';
import { jaccard, shingleSetOfWords, words } from './shingles';

export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;

export interface DuplicateVerdict {
  /** The earlier document this one duplicates. */
  duplicateOf: number;
  /** 1 for an exact duplicate (same words), else the confirmed Jaccard similarity. */
  similarity: number;
  exact: boolean;
}

/**
 * What a document left in the finder, enough to stand for it in a later pass without reading it
 * again (dedup-index.ts): its exact fingerprint unless it was an exact duplicate, its LSH keys
 * unless it was a duplicate at all (duplicates are not indexed: later copies match the original).
 */
export interface FinderEntry {
  fingerprint?: string;
  keys?: Uint32Array;
}

/** A document's shingle set, or where to read it when a candidate needs confirming. */
export type SetSource = Uint32Array | (() => Uint32Array);

export interface PreparedDocument {
  fingerprint: string;
  /**
   * Its shingle set, or where to read it again: a pass over many new documents keeps only their
   * fingerprints and keys (about a hundred bytes), not their sets (a few KB each), and reads a set
   * again only when the document has a candidate to confirm.
   */
  set: SetSource;
  keys: Uint32Array;
}

/**
 * Finds exact and near-duplicates in one pass over a stream of documents: each document is
 * compared, through MinHash + LSH candidates confirmed by real Jaccard similarity, with those
 * before it, and the first one it matches is named. Memory grows with the unique documents'
 * shingle sets (a few KB each), not with pairs; documents known from an earlier pass (addKnown)
 * cost only their keys until one is a candidate.
 */
export class NearDuplicateFinder {
  private readonly hasher = new MinHasher();
  private readonly index: LshIndex;
  private readonly exact = new Map<string, number>();
  private readonly sets: SetSource[] = [];
  private readonly entries: FinderEntry[] = [];
  private count = 0;
  readonly banding: Banding;

  constructor(readonly threshold = DEFAULT_DUPLICATE_THRESHOLD) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new TypeError(`Expected \`threshold\` to be a number above 0 and at most 1, got \`${threshold}\``);
    }
    this.banding = bandingFor(threshold, this.hasher.size);
    this.index = new LshIndex(this.banding);
  }

  /** What document `doc` left (for the index of a later pass). */
  entry(doc: number): FinderEntry {
    return this.entries[doc]!;
  }

  /**
   * Adds a document from an earlier pass by what it left there, without its text: `read` gives its
   * shingle set should it become a candidate. Its keys must come from a finder at this threshold.
   */
  addKnown(entry: FinderEntry, read: () => Uint32Array): number {
    const doc = this.count++;
    if (entry.fingerprint !== undefined && !this.exact.has(entry.fingerprint)) this.exact.set(entry.fingerprint, doc);
    this.entries.push(entry);
    if (entry.keys) {
      if (entry.keys.length !== this.banding.bands)
        throw new TypeError(`Expected ${this.banding.bands} LSH keys, got ${entry.keys.length}`);
      this.sets.push(read);
      this.index.addKeys(doc, entry.keys);
    } else this.sets.push(EMPTY);
    return doc;
  }

  /** Adds document number `this.count` and says whether it duplicates an earlier one. */
  add(text: string): DuplicateVerdict | undefined {
    return this.addPrepared(this.prepare(text));
  }

  /** What comparing a text needs, computed ahead (a pass may look at every new text before adding any). */
  prepare(text: string): PreparedDocument {
    const w = words(text);
    const fingerprint = createHash('sha1').update(w.join(' ')).digest('base64');
    const set = shingleSetOfWords(w);
    return { fingerprint, set, keys: this.index.keysOf(this.hasher.signature(set)) };
  }

  addPrepared({ fingerprint, set, keys }: PreparedDocument): DuplicateVerdict | undefined {
    const doc = this.count++;
    const same = this.exact.get(fingerprint);
    if (same !== undefined) {
      this.sets.push(EMPTY);
      this.entries.push({});
      return { duplicateOf: same, similarity: 1, exact: true };
    }
    this.exact.set(fingerprint, doc);
    let best: DuplicateVerdict | undefined;
    let own: Uint32Array | undefined;
    for (const other of this.index.candidatesOfKeys(keys)) {
      own ??= typeof set === 'function' ? set() : set;
      const similarity = jaccard(own, this.setOf(other));
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
      this.entries.push({ fingerprint });
      return best;
    }
    // The source, not a set read just now: a later candidate reads it again rather than every
    // document that had a candidate holding its set.
    this.sets.push(set);
    this.entries.push({ fingerprint, keys });
    this.index.addKeys(doc, keys);
    return undefined;
  }

  private setOf(doc: number): Uint32Array {
    const source = this.sets[doc]!;
    if (typeof source !== 'function') return source;
    // Read once; kept, since a document that was a candidate once tends to be one again.
    const set = source();
    this.sets[doc] = set;
    return set;
  }
}

const EMPTY = new Uint32Array(0);
