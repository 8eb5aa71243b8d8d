import assert from 'node:assert/strict';
import { initialEstimate } from '../../../../src/core/generate/strategies/executor';
import { specOf } from './fixtures';

describe('initialEstimate', () => {
  it('single: local input estimate, max_tokens, and the whole conversation as expected output', () => {
    const est = initialEstimate(specOf({ turns: 6, maxTokens: 2000 }));
    assert.ok(est.inputTokens > 50 && est.inputTokens < 400, `got ${est.inputTokens}`);
    assert.equal(est.maxTokens, 2000);
    assert.equal(est.expectedOutputTokens, 6 * 80);
  });

  it('expected output is bounded by max_tokens; a counted input figure wins over the local one', () => {
    const est = initialEstimate(specOf({ turns: 40, maxTokens: 1000 }), 1234);
    assert.deepEqual(est, { inputTokens: 1234, maxTokens: 1000, expectedOutputTokens: 1000 });
  });

  it('turns: one message of output', () => {
    assert.equal(initialEstimate(specOf({ strategy: 'turns', turns: 6 })).expectedOutputTokens, 80);
  });
});
