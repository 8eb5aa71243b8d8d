import assert from 'node:assert/strict';
import { classLabel } from '../../src/cli/progress';

describe('CLI progress: a model class label', () => {
  it('calls running at 90 % or more "at limit", and a 429 pause PAUSED', () => {
    assert.equal(classLabel({ health: 'throttled' }), 'at limit');
    assert.equal(classLabel({ health: 'throttled', pausedUntil: 1 }), 'PAUSED');
    assert.equal(classLabel({ health: 'approaching' }), 'approaching');
  });

  it('never calls a self-imposed throttle "at limit": it says how far below and why', () => {
    assert.equal(
      classLabel({ health: 'throttled', throttle: { share: 0.7, reason: 'unexplained_429' } }),
      'held at 70% after an unexplained 429, recovering',
    );
    assert.equal(
      classLabel({ health: 'healthy', throttle: { share: 0, reason: 'learning' } }),
      'learning the limits (one probe until the first headers)',
    );
  });
});
