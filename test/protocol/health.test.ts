import assert from 'node:assert/strict';
import { healthOf, worstHealth } from '../../src/protocol';

describe('healthOf (seed thresholds)', () => {
  const cases: [number, string][] = [
    [0, 'healthy'],
    [0.69, 'healthy'],
    [0.7, 'approaching'],
    [0.89, 'approaching'],
    [0.9, 'throttled'],
    [1, 'throttled'],
  ];
  for (const [u, h] of cases) it(`${u} is ${h}`, () => assert.equal(healthOf(u), h));

  it('the overall health is the worst dimension', () => {
    assert.equal(worstHealth(['healthy', 'throttled', 'approaching']), 'throttled');
    assert.equal(worstHealth([]), 'healthy');
  });
});
