// Harness self-check: a suite that must give a non-zero exit code.
import * as assert from 'node:assert/strict';

describe('harness self-check (failing on purpose)', () => {
  it('fails', () => {
    assert.equal(1, 2, 'deliberate failure: the launcher must report a non-zero exit code');
  });
});
