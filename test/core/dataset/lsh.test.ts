import assert from 'node:assert/strict';
import { LshIndex } from '../../../src/core/dataset/lsh';

const BANDING = { bands: 4, rows: 2 };
const keys = (...k: number[]) => Uint32Array.from(k);

describe('LshIndex (candidates by shared band keys)', () => {
  it('finds the documents that share any band key, each once, and none that share none', () => {
    const index = new LshIndex(BANDING);
    index.addKeys(0, keys(1, 2, 3, 4));
    index.addKeys(1, keys(1, 9, 9, 9)); // shares band 0 with 0
    index.addKeys(2, keys(7, 7, 7, 7)); // shares nothing with the query below
    index.addKeys(3, keys(1, 2, 8, 8)); // shares bands 0 and 1
    assert.deepEqual(
      index.candidatesOfKeys(keys(1, 2, 3, 5)).sort((a, b) => a - b),
      [0, 1, 3],
    );
    assert.deepEqual(index.candidatesOfKeys(keys(5, 5, 5, 5)), []);
  });

  it('keys above 2^31 are their own keys, not folded onto others', () => {
    const index = new LshIndex(BANDING);
    index.addKeys(0, keys(0xffffffff, 0x80000000, 1, 2));
    assert.deepEqual(index.candidatesOfKeys(keys(0xffffffff, 0, 0, 0)), [0]);
    assert.deepEqual(index.candidatesOfKeys(keys(0x7fffffff, 0x7fffffff, 0, 0)), []);
  });

  it('a key shared by many documents in every band still names each one once', () => {
    const index = new LshIndex(BANDING);
    for (let doc = 0; doc < 40; doc++) index.addKeys(doc, keys(1, 2, 3, 4));
    const found = index.candidatesOfKeys(keys(1, 2, 3, 4));
    assert.equal(found.length, 40);
    assert.equal(new Set(found).size, 40);
  });
});
