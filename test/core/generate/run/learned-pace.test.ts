import assert from 'node:assert/strict';
import { paceAtLearnedLimits } from '../../../../src/core/generate/run/learned-pace';
import type { LimiterSnapshot } from '../../../../src/core/limiter/types';

function limiter(
  rpm: number,
  itpm: number,
  otpm: number,
  reported: { requests?: boolean; inputTokens?: boolean; outputTokens?: boolean },
): LimiterSnapshot {
  const dim = (limit: number, r?: boolean) => ({ limit, utilization: 0.5, ...(r ? { remaining: 1 } : {}) });
  return {
    modelClass: 'haiku',
    limits: { requestsPerMinute: rpm, inputTokensPerMinute: itpm, outputTokensPerMinute: otpm },
    dimensions: {
      requests: dim(rpm, reported.requests),
      inputTokens: dim(itpm, reported.inputTokens),
      outputTokens: dim(otpm, reported.outputTokens),
    },
    utilization: 0.5,
    binding: 'requests',
    health: 'healthy',
  };
}

// 172 conversations of 4 requests each, 2,000 input and 800 output tokens a request.
const work = { conversations: 172, requests: 688, inputTokens: 1_376_000, outputTokens: 550_400 };

describe('the ETA pace at the limits the server reported', () => {
  it('is not known before any limit was reported: a tier preset is a guess', () => {
    assert.equal(paceAtLearnedLimits(work, [limiter(1000, 1e9, 1e9, {})]), undefined);
    assert.equal(paceAtLearnedLimits(undefined, [limiter(120, 1e9, 1e9, { requests: true })]), undefined);
  });

  it('follows the tightest reported limit: 120 RPM at 4 requests a conversation is 30 a minute', () => {
    assert.equal(paceAtLearnedLimits(work, [limiter(120, 1e9, 1e9, { requests: true, inputTokens: true, outputTokens: true })]), 30);
    // Output tokens bind: 220,160/min for 550,400 over 172 conversations is 68.8 a minute.
    assert.equal(paceAtLearnedLimits(work, [limiter(1e6, 1e9, 220_160, { requests: true, outputTokens: true })]), 68.8);
    // A dimension still at its preset does not count.
    assert.equal(paceAtLearnedLimits(work, [limiter(120, 1e9, 1000, { requests: true })]), 30);
  });
});
