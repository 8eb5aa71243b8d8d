import assert from 'node:assert/strict';
import { resolveLimits, TIER_PRESETS } from '../../../src/core/models/tiers';

describe('tier presets', () => {
  it('gives the published Start and Scale limits for Opus, Sonnet and Haiku', () => {
    for (const cls of ['opus', 'sonnet', 'haiku'] as const) {
      assert.deepEqual(TIER_PRESETS.start[cls], {
        requestsPerMinute: 1000,
        inputTokensPerMinute: 2_000_000,
        outputTokensPerMinute: 400_000,
      });
      assert.deepEqual(TIER_PRESETS.scale[cls], {
        requestsPerMinute: 10_000,
        inputTokensPerMinute: 10_000_000,
        outputTokensPerMinute: 2_000_000,
      });
    }
  });

  it('puts Build between Start and Scale for every class', () => {
    for (const cls of ['opus', 'sonnet', 'haiku', 'fable'] as const) {
      for (const k of ['requestsPerMinute', 'inputTokensPerMinute', 'outputTokensPerMinute'] as const) {
        assert.ok(TIER_PRESETS.start[cls][k] < TIER_PRESETS.build[cls][k]);
        assert.ok(TIER_PRESETS.build[cls][k] < TIER_PRESETS.scale[cls][k]);
      }
    }
  });

  it('resolves a tier, defaulting to start, with explicit numbers winning', () => {
    assert.deepEqual(resolveLimits({}, 'sonnet'), TIER_PRESETS.start.sonnet);
    assert.deepEqual(resolveLimits({ tier: 'scale' }, 'haiku'), TIER_PRESETS.scale.haiku);
    assert.deepEqual(resolveLimits({ tier: 'scale', rpm: 50, otpm: 8000 }, 'opus'), {
      requestsPerMinute: 50,
      inputTokensPerMinute: 10_000_000,
      outputTokensPerMinute: 8000,
    });
  });

  it('rejects bad values with uniform messages', () => {
    assert.throws(() => resolveLimits({ rpm: 0 }, 'opus'), {
      message: 'Expected `rpm` to be a number from 1 and up, got `0` (number)',
    });
    assert.throws(() => resolveLimits({ itpm: Number.NaN }, 'opus'), {
      message: 'Expected `itpm` to be a number from 1 and up, got `NaN` (number)',
    });
    assert.throws(() => resolveLimits({ tier: 'gold' as never }, 'opus'), {
      message: 'Expected `tier` to be one of `start`, `build`, `scale`, got `gold` (string)',
    });
    assert.throws(() => resolveLimits({}, 'gpt'), /Expected `modelClass` to be one of/);
  });
});
