import assert from 'node:assert/strict';
import { initialEstimate } from '../../../../src/core/generate/strategies/executor';
import { estimateRequest } from '../../../../src/core/generate/strategies/next-request';
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
    assert.deepEqual(est, { inputTokens: 1234, maxTokens: 1000, expectedOutputTokens: 1000, stepsLeft: 1 });
  });

  it('turns: one message of output', () => {
    assert.equal(initialEstimate(specOf({ strategy: 'turns', turns: 6 })).expectedOutputTokens, 80);
  });

  it('steps left: one request for single, one per message still to write for turns', () => {
    assert.equal(initialEstimate(specOf({ turns: 6 })).stepsLeft, 1);
    assert.equal(initialEstimate(specOf({ strategy: 'turns', turns: 6 })).stepsLeft, 6);
    assert.equal(
      estimateRequest(specOf({ strategy: 'turns', turns: 6 }), [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ]).stepsLeft,
      4,
    );
  });
});
