import * as assert from 'node:assert/strict';
import { HEALTH_RANGE, healthOf, worstHealth } from '../../../src/core/limiter/health';
import { limitsOf } from '../../../src/vscode/view-model/limit-gauges';
import { makeLimiter } from './helpers';

describe('health: the one threshold function', () => {
  it('a 429 pause is throttled at any utilization', () => {
    assert.equal(healthOf(0, true), 'throttled');
    assert.equal(healthOf(0.5, false), 'healthy');
  });

  it('words its thresholds from the same numbers it decides with', () => {
    assert.deepEqual(HEALTH_RANGE, { healthy: '<70%', approaching: '70–89%', throttled: '≥90%' });
    assert.equal(worstHealth(['approaching', 'healthy']), 'approaching');
  });

  it("the limiter's snapshot and the panel's gauges agree on the level of one utilization", async () => {
    const { clock, limiter } = makeLimiter({ requestsPerMinute: 10, inputTokensPerMinute: 1_000_000, outputTokensPerMinute: 1_000_000 });
    for (let admitted = 0, tries = 0; admitted < 8 && tries < 1000; tries++) {
      const d = await limiter.admit({ modelClass: 'haiku', inputTokens: 10, maxTokens: 10 });
      if (d.admitted) admitted++;
      else await clock.advance(Math.max(1, d.waitMs));
    }
    const snapshot = await limiter.snapshot('haiku');
    const gauge = limitsOf([snapshot]).requests;
    assert.equal(gauge.utilization, snapshot.dimensions.requests.utilization);
    assert.equal(gauge.health, snapshot.health);
    assert.equal(snapshot.health, healthOf(snapshot.utilization));
    assert.notEqual(snapshot.health, 'healthy', `8 of 10 RPM admitted: ${snapshot.utilization}`);
  });
});
