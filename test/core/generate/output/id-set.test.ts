import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IdSet } from '../../../../src/core/generate/output/id-set';

const forgeId = (slug: string, i: number) => `${slug}-${createHash('sha256').update(`h:${i}`).digest('hex').slice(0, 12)}`;

describe('IdSet (the ids a dataset holds, for resume)', () => {
  it('answers as a Set<string> would, for Forge ids of several slugs and any other id, across growth', () => {
    const ids = new IdSet();
    const truth = new Set<string>();
    const odd = ['a', 'b-1', 'x-ABCDEF012345', 'x-0123456789abc', '-0123456789ab', 'z-000000000000', 'z-ffffffffffff'];
    for (let i = 0; i < 5000; i++) {
      const id = i % 7 === 0 ? odd[i % odd.length]! : forgeId(i % 3 === 0 ? 'tides' : 'moon-phases', i % 4000);
      assert.equal(ids.add(id), !truth.has(id), `add ${id}`);
      truth.add(id);
    }
    assert.equal(ids.size, truth.size);
    for (let i = 0; i < 8000; i++) {
      const id = forgeId(i % 2 === 0 ? 'tides' : 'moon-phases', i);
      assert.equal(ids.has(id), truth.has(id), id);
    }
    for (const id of [...odd, 'tides-', 'other-0123456789ab']) assert.equal(ids.has(id), truth.has(id), id);
    assert.deepEqual([...ids].sort(), [...truth].sort());
  });

  it('keeps a Forge id whose digest starts or is all zeros (0 is not an empty slot)', () => {
    const ids = new IdSet();
    assert.equal(ids.add('s-000000000000'), true);
    assert.equal(ids.add('s-000000000001'), true);
    assert.equal(ids.add('s-000000000000'), false);
    assert.equal(ids.has('s-000000000000'), true);
    assert.equal(ids.has('s-000000000002'), false);
    assert.deepEqual([...ids].sort(), ['s-000000000000', 's-000000000001']);
  });
});
