import assert from 'node:assert/strict';
import { costOf, estimateCost } from '../../../src/core/models/cost';
import { resolveModel } from '../../../src/core/models/resolve-model';
import type { Usage } from '../../../src/core/usage';

function model(id: string) {
  const m = resolveModel(id);
  if (!m) throw new Error(`unknown model ${id}`);
  return m;
}

function usage(input: number, output: number, write = 0, read = 0): Usage {
  return { inputTokens: input, outputTokens: output, cacheCreationInputTokens: write, cacheReadInputTokens: read };
}

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('model costs', () => {
  it('prices input, output, cache writes (5-minute rate) and cache reads (0.05x on Sonnet 5.5)', () => {
    // 1000×2 + 500×10 + 2000×2.50 + 10000×0.10 = 13,000 per million
    near(costOf(model('claude-sonnet-5-5'), usage(1000, 500, 2000, 10_000)), 0.013);
  });

  it('prices the 1-hour part of the cache writes at the 1-hour rate', () => {
    // Opus 5.5: 3000 written, 1000 of them for 1 h: 2000×5 + 1000×8 = 18,000 per million; reads 0.05×4 = 0.20
    near(costOf(model('claude-opus-5-5'), { ...usage(0, 0, 3000, 0), cacheCreation1hInputTokens: 1000 }), 0.018);
    near(costOf(model('claude-opus-5-5'), usage(0, 0, 0, 1_000_000)), 0.2);
    // Haiku 5.5 reads at 0.1× input
    near(costOf(model('claude-haiku-5-5'), usage(0, 0, 0, 1_000_000)), 0.01);
  });

  it('halves every price for batches', () => {
    near(costOf(model('claude-sonnet-5-5'), usage(1000, 500, 2000, 10_000), { batch: true }), 0.0065);
  });

  it('uses each model its own prices', () => {
    near(costOf(model('claude-opus-5-5'), usage(1_000_000, 0)), 4);
    near(costOf(model('claude-opus-5-5'), usage(0, 1_000_000)), 20);
    // 5000×0.10 + 2000×0.50 = 1,500 per million
    near(costOf(model('claude-haiku-5-5'), usage(5000, 2000)), 0.0015);
    near(costOf(model('claude-haiku-4-5'), usage(1_000_000, 1_000_000)), 6);
  });

  it('falls back to the usual cache multipliers where the table has no cache price', () => {
    // Fable input 8: write 8×1.25 = 10, read 8×0.1 = 0.8
    near(costOf(model('claude-fable-5-2'), usage(0, 0, 1_000_000, 1_000_000)), 10.8);
  });

  it('estimates before sending from counts without cache fields', () => {
    // 10,000×4 + 4096×20 = 121,920 per million
    near(estimateCost(model('claude-opus-5-5'), { inputTokens: 10_000, outputTokens: 4096 }), 0.12192);
  });
});
