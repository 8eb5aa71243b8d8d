import assert from 'node:assert/strict';
import { MODELS, PRICES_AS_OF } from '../../../src/core/models/model-table';
import { knownModelIds, resolveModel } from '../../../src/core/models/resolve-model';

describe('model table', () => {
  it('holds the documented models with their classes, prices and legacy flags', () => {
    const opus = resolveModel('claude-opus-5-5');
    assert.deepEqual(opus, {
      id: 'claude-opus-5-5',
      modelClass: 'opus',
      displayName: 'Claude Opus 5.5',
      prices: { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 },
      batchDiscount: 0.5,
      pricesAsOf: PRICES_AS_OF,
      legacy: false,
      minCacheTokens: 512,
    });
    assert.equal(resolveModel('claude-sonnet-5')?.legacy, true);
    // the shortest cacheable prefix is per model: 512 on the 5.x models, more on some older ones
    assert.equal(resolveModel('claude-sonnet-5-5')?.minCacheTokens, 512);
    assert.equal(resolveModel('claude-haiku-4-5')?.minCacheTokens, 4096);
    assert.equal(resolveModel('claude-sonnet-5-5')?.prices.cacheRead, 0.1, 'Sonnet 5.5 reads at 0.05x input');
    assert.equal(resolveModel('claude-fable-5-2')?.modelClass, 'fable');
    assert.deepEqual(knownModelIds().sort(), Object.keys(MODELS).sort());
    assert.equal(knownModelIds().length, 7);
  });

  it('answers undefined for an unknown model', () => {
    assert.equal(resolveModel('claude-imaginary-9'), undefined);
  });

  it('merges a user override over the table without touching the table', () => {
    const m = resolveModel('claude-sonnet-5-5', { 'claude-sonnet-5-5': { prices: { input: 3 }, pricesAsOf: '2027-01-01' } });
    assert.equal(m?.prices.input, 3);
    assert.equal(m?.prices.output, 10);
    assert.equal(m?.pricesAsOf, '2027-01-01');
    assert.equal(resolveModel('claude-sonnet-5-5')?.prices.input, 2);
  });

  it('accepts a new model only when the override is complete', () => {
    const overrides = {
      'claude-new-6': { modelClass: 'sonnet' as const, prices: { input: 1, output: 2 } },
      'claude-half-6': { prices: { input: 1 } },
    };
    assert.equal(resolveModel('claude-new-6', overrides)?.modelClass, 'sonnet');
    assert.equal(resolveModel('claude-half-6', overrides), undefined);
    assert.ok(knownModelIds(overrides).includes('claude-new-6'));
    assert.ok(!knownModelIds(overrides).includes('claude-half-6'));
  });

  it('rejects invalid overrides with a uniform message', () => {
    assert.throws(() => resolveModel('claude-opus-5-5', { 'claude-opus-5-5': { prices: { output: -1 } } }), {
      message: 'Expected `models.claude-opus-5-5.prices.output` to be a number from 0 and up, got `-1` (number)',
    });
    assert.throws(
      () => resolveModel('x', { x: { modelClass: 'gpt' as never, prices: { input: 1, output: 1 } } }),
      /Expected `models.x.modelClass` to be one of `opus`, `sonnet`, `haiku`, `fable`, got `gpt` \(string\)/,
    );
  });
});
