import type { Usage } from '../usage';
import type { ModelInfo } from './model-table';

/**
 * Where the table has no cache price, the usual multipliers of the input price stand in
 * (5-minute write 1.25×, 1-hour write 2×, read 0.1×): an estimate, not a quoted price.
 */
export const CACHE_PRICE_MULTIPLIERS = { write5m: 1.25, write1h: 2, read: 0.1 } as const;

/** USD per million tokens of a cache write (by TTL) or read: the table's price, else the usual multiple. */
export function cachePrice(model: ModelInfo, kind: keyof typeof CACHE_PRICE_MULTIPLIERS): number {
  const p = model.prices;
  const listed = kind === 'write5m' ? p.cacheWrite5m : kind === 'write1h' ? p.cacheWrite1h : p.cacheRead;
  return listed ?? p.input * CACHE_PRICE_MULTIPLIERS[kind];
}

export interface CostOptions {
  /** Message Batches: the model's batch discount applies. */
  batch?: boolean;
}

/** Token counts a cost can be computed from; absent cache counts are 0. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
  /** The 1-hour part of the cache writes (priced at the 1-hour rate); the rest is 5-minute. */
  cacheCreation1hInputTokens?: number;
}

function usd(model: ModelInfo, t: TokenCounts, options: CostOptions): number {
  const p = model.prices;
  const hour = Math.min(t.cacheCreation1hInputTokens ?? 0, t.cacheCreationInputTokens ?? 0);
  const perMillion =
    t.inputTokens * p.input +
    t.outputTokens * p.output +
    ((t.cacheCreationInputTokens ?? 0) - hour) * cachePrice(model, 'write5m') +
    hour * cachePrice(model, 'write1h') +
    (t.cacheReadInputTokens ?? 0) * cachePrice(model, 'read');
  return (perMillion / 1_000_000) * (options.batch ? 1 - model.batchDiscount : 1);
}

/** What a response cost, in USD, cache writes and reads included. */
export function costOf(model: ModelInfo, usage: Usage, options: CostOptions = {}): number {
  return usd(model, usage, options);
}

/**
 * Upper bound of a request's cost before it is sent, for budget checks: pass max_tokens as
 * `outputTokens` (the model may use all of it).
 */
export function estimateCost(model: ModelInfo, tokens: TokenCounts, options: CostOptions = {}): number {
  return usd(model, tokens, options);
}
