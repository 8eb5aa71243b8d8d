import assert from 'node:assert/strict';
import { candidateProbability, bandingFor } from '../../../src/core/dataset/lsh';
import { NearDuplicateFinder } from '../../../src/core/dataset/near-duplicates';
import { fnv1a, jaccard, shingleSet, words } from '../../../src/core/dataset/shingles';
import { plantedCorpus, seeded } from '../../support/planted-duplicates';

describe('near-duplicate detection (MinHash + LSH, confirmed by Jaccard)', () => {
  it('jaccard is exact on shingle sets; punctuation and case do not count', () => {
    assert.equal(jaccard(shingleSet('The cat sat on the mat.'), shingleSet('the CAT sat on the mat')), 1);
    const a = shingleSet('one two three four five');
    const b = shingleSet('one two three four six');
    assert.equal(jaccard(a, b), 2 / 4);
  });

  it('shingle hashes are FNV-1a of the words joined by spaces, as the dataset indexes on disk hold them', () => {
    const joined = (text: string) => {
      const w = words(text);
      const hashes = w.length < 3 ? (w.length ? [fnv1a(w.join(' '))] : []) : w.slice(2).map((_, i) => fnv1a(w.slice(i, i + 3).join(' ')));
      return [...new Set(hashes)].sort((a, b) => a - b);
    };
    const random = seeded(11);
    const vocab = ['tide', 'Moon', 'l’eau', 'naïve', '42', 'dog’s', 'ÉTÉ', 'x'];
    for (let n = 0; n < 60; n++) {
      const text = Array.from({ length: n % 9 === 0 ? n % 3 : n }, () => vocab[Math.floor(random() * vocab.length)]).join(
        n % 2 ? ', ' : ' ',
      );
      assert.deepEqual([...shingleSet(text)], joined(text), text);
    }
  });

  it('banding keeps recall at the threshold above 99 %', () => {
    for (const t of [0.5, 0.7, 0.8, 0.9]) {
      const banding = bandingFor(t, 128);
      assert.ok(candidateProbability(t, banding) >= 0.99, `${t}: ${JSON.stringify(banding)}`);
      assert.ok(banding.rows >= 2, 'more than one row per band, or every pair is a candidate');
    }
  });

  it('finds exact duplicates and names the first copy', () => {
    const f = new NearDuplicateFinder();
    assert.equal(f.add('Hello there, how are you today?'), undefined);
    assert.equal(f.add('Something else entirely, about tides and the moon.'), undefined);
    assert.deepEqual(f.add('hello there how are you TODAY'), { duplicateOf: 0, similarity: 1, exact: true });
  });

  it('on a planted corpus: precision and recall of at least 0.95 at the default threshold', () => {
    const { texts, pairs } = plantedCorpus(600);
    const f = new NearDuplicateFinder(0.8);
    const found = new Map<number, number>();
    texts.forEach((t, i) => {
      const v = f.add(t);
      if (v) found.set(i, v.duplicateOf);
    });
    const truth = pairs.filter((p) => p.similarity >= 0.8);
    assert.ok(truth.length > 50 && truth.length < pairs.length, 'the corpus spans both sides of the threshold');
    const hits = truth.filter((p) => found.get(p.b) === p.a).length;
    const recall = hits / truth.length;
    const correct = [...found].filter(([b, a]) => jaccard(shingleSet(texts[a]!), shingleSet(texts[b]!)) >= 0.8).length;
    const precision = found.size === 0 ? 1 : correct / found.size;
    assert.ok(recall >= 0.95, `recall ${recall}`);
    assert.ok(precision >= 0.95, `precision ${precision}`);
  });

  it("reads a prepared document's set only when it has a candidate to confirm, and holds only its source", () => {
    const words = (seed: string) => Array.from({ length: 80 }, (_, i) => `${seed}${(i * 7919) % 1013}`).join(' ');
    const a = words('tide');
    const b = words('moon');
    const f = new NearDuplicateFinder(0.8);
    const reads = new Map<string, number>();
    const lazily = (name: string, text: string) => {
      const p = f.prepare(text);
      const set = p.set as Uint32Array;
      return {
        ...p,
        set: () => {
          reads.set(name, (reads.get(name) ?? 0) + 1);
          return set;
        },
      };
    };
    assert.equal(f.add(a), undefined);
    assert.equal(f.addPrepared(lazily('b', b)), undefined);
    assert.equal(reads.get('b'), undefined, 'no candidate: its set is never read');
    const nearA = f.addPrepared(lazily('a2', `${a} and one more`));
    assert.equal(nearA?.duplicateOf, 0);
    assert.equal(reads.get('a2'), 1, 'a candidate: its own set read once to confirm it');
    const nearB = f.addPrepared(lazily('b2', `${b} and one more`));
    assert.equal(nearB?.duplicateOf, 1);
    assert.equal(reads.get('b'), 1, 'b kept its source, read when it became a candidate');
  });

  it('rejects a threshold outside (0, 1]', () => {
    assert.throws(() => new NearDuplicateFinder(0), /Expected `threshold` to be a number above 0 and at most 1/);
    assert.throws(() => new NearDuplicateFinder(1.5), /threshold/);
  });
});
