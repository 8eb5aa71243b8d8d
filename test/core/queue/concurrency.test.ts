import assert from 'node:assert/strict';
import { ConcurrencyController } from '../../../src/core/queue/concurrency';

const LIMITS = { requestsPerMinute: 1200, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 };

describe('ConcurrencyController across model classes', () => {
  it('sizes for the sum of the rates the busy classes allow, since each class has limits of its own', () => {
    const c = new ConcurrencyController({ max: 100, initial: 4 });
    c.observe({ latencyMs: 1000, inputTokens: 100, outputTokens: 100 }, 0);
    c.observeLimits([LIMITS]);
    // 20 requests/s x 1 s x 1.25 headroom.
    assert.equal(c.target, 25);
    c.observeLimits([LIMITS, { ...LIMITS, requestsPerMinute: 600 }]);
    assert.equal(c.target, Math.ceil(30 * 1.25));
    // No busy class tells nothing new: the last limits stand.
    c.observeLimits([]);
    assert.equal(c.target, 38);
  });
});
