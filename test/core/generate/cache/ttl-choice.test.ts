import assert from 'node:assert/strict';
import { allowedRate, predictNextRead, stepIntervalMs } from '../../../../src/core/generate/cache/next-read';
import { chooseTtl, TTL_MS } from '../../../../src/core/generate/cache/ttl-choice';
import { MODELS } from '../../../../src/core/models';
import { FakeClock } from '../../../support/fake-clock';

const MIN = 60_000;
const haiku = MODELS['claude-haiku-5-5']!;

describe('cache TTL choice (planned)', () => {
  const clock = new FakeClock();

  it('a read expected inside five minutes stays 5m: the hour would cost 2x instead of 1.25x', () => {
    const now = clock.now();
    assert.deepEqual(chooseTtl({ now, nextReadAt: now + 40_000, model: haiku }), { ttl: '5m', reason: 'read-within-5m', gapMs: 40_000 });
    assert.equal(chooseTtl({ now, nextReadAt: now + 3.9 * MIN, model: haiku }).ttl, '5m');
  });

  it('a planned gap past five minutes (less the margin) picks 1h', () => {
    const now = clock.now();
    assert.deepEqual(chooseTtl({ now, nextReadAt: now + 12 * MIN, model: haiku }), {
      ttl: '1h',
      reason: 'read-within-1h',
      gapMs: 12 * MIN,
    });
    // the margin: a read forecast at 4.5 min would land too close to the expiry to trust
    assert.equal(chooseTtl({ now, nextReadAt: now + 4.5 * MIN, model: haiku }).ttl, '1h');
  });

  it('no read to come, or one after the hour: 5m, the cheaper write', () => {
    const now = clock.now();
    assert.deepEqual(chooseTtl({ now, nextReadAt: undefined, model: haiku }), { ttl: '5m', reason: 'not-read-again' });
    assert.equal(chooseTtl({ now, nextReadAt: now + 70 * MIN, model: haiku }).reason, 'outlives-1h');
  });

  it('prices come from the model: a 1-hour write no dearer than two 5-minute ones decides by them', () => {
    const now = clock.now();
    const dear = { ...haiku, prices: { ...haiku.prices, cacheWrite1h: haiku.prices.cacheWrite5m! * 2.5 } };
    assert.equal(chooseTtl({ now, nextReadAt: now + 12 * MIN, model: dear }).ttl, '5m', '1h at 2.5x never pays');
    assert.equal(chooseTtl({ now, nextReadAt: now + 8 * MIN, model: haiku, ttlMs: { ...TTL_MS, '5m': 10 * MIN } }).ttl, '5m');
  });
});

describe('next read forecast', () => {
  it('a turn comes back after the conversations taking turns with it, at the rate the binding limit allows', () => {
    const limits = { requestsPerMinute: 1000, inputTokensPerMinute: 10_000, outputTokensPerMinute: 100_000 };
    // 2,000 input tokens a request at 10k ITPM: 12 s each; 30 conversations in ahead: 6 min
    assert.equal(stepIntervalMs({ latencyMs: 3000, ahead: 30, limits, inputTokens: 2000, outputTokens: 300 }), 6 * MIN);
    // unbound: the response's own time
    assert.equal(stepIntervalMs({ latencyMs: 3000, ahead: 2, limits, inputTokens: 200, outputTokens: 300 }), 3000);
    assert.equal(stepIntervalMs({ latencyMs: 3000, ahead: 30, limits: undefined, inputTokens: 2000, outputTokens: 300 }), 3000);
  });

  it('known holds on the way push the read later; holds after it or already over do not', () => {
    const now = 1_000_000;
    const holds = [
      { from: now + 10_000, until: now + 10_000 + 10 * MIN, reason: 'user' as const },
      { from: now + 60 * MIN, until: now + 70 * MIN, reason: 'rate_limit' as const },
      { from: now - 20_000, until: now - 1, reason: 'outage' as const },
    ];
    assert.equal(predictNextRead({ now, stepsUntilRead: 2, stepMs: 20_000, holds }), now + 40_000 + 10 * MIN);
    assert.equal(predictNextRead({ now, stepsUntilRead: 2, stepMs: 20_000, holds: [] }), now + 40_000);
    assert.equal(predictNextRead({ now, stepsUntilRead: undefined, stepMs: 20_000, holds }), undefined);
    // a hold in force now counts from now
    assert.equal(
      predictNextRead({ now, stepsUntilRead: 0, stepMs: 1, holds: [{ from: now - MIN, until: now + 7 * MIN, reason: 'rate_limit' }] }),
      now + 7 * MIN,
    );
  });

  it('overlapping holds delay the read once', () => {
    const now = 0;
    const holds = [
      { from: 0, until: 6 * MIN, reason: 'rate_limit' as const },
      { from: 2 * MIN, until: 7 * MIN, reason: 'outage' as const },
    ];
    assert.equal(predictNextRead({ now, stepsUntilRead: 2, stepMs: 1000, holds }), 2000 + 7 * MIN);
  });

  it('the rate allowed is the limits, cut while the limiter throttles itself and shared between processes', () => {
    const limits = { requestsPerMinute: 1000, inputTokensPerMinute: 400_000, outputTokensPerMinute: 80_000 };
    assert.deepEqual(allowedRate({ limits }), limits);
    assert.deepEqual(
      allowedRate({
        limits,
        throttle: { share: 0.5, reason: 'unexplained_429' },
        sharing: { scope: 'local', processes: 2, reachable: true },
      }),
      {
        requestsPerMinute: 250,
        inputTokensPerMinute: 100_000,
        outputTokensPerMinute: 20_000,
      },
    );
  });
});
