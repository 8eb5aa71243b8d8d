/**
 * The one table of models and prices. Prices change: users override them (see resolve-model.ts)
 * and `PRICES_AS_OF` says how old these are. Source: the project's API-FACTS (Anthropic pricing).
 */
export type ModelClass = 'opus' | 'sonnet' | 'haiku' | 'fable';
export const MODEL_CLASSES: readonly ModelClass[] = ['opus', 'sonnet', 'haiku', 'fable'];

/** USD per million tokens. Cache prices are absent where the source gives none (see cost.ts). */
export interface ModelPrices {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m?: number;
  readonly cacheWrite1h?: number;
  readonly cacheRead?: number;
}

export interface ModelInfo {
  readonly id: string;
  /** Rate limits are shared per class. */
  readonly modelClass: ModelClass;
  readonly displayName: string;
  readonly prices: ModelPrices;
  /** Share taken off every price for Message Batches. */
  readonly batchDiscount: number;
  /** The day the prices were copied (YYYY-MM-DD). */
  readonly pricesAsOf: string;
  readonly legacy: boolean;
  /** Shortest prefix prompt caching stores; a shorter one is sent uncached (no error). */
  readonly minCacheTokens: number;
}

export const PRICES_AS_OF = '2026-11-23';
const BATCH_DISCOUNT = 0.5;

type Row = Omit<ModelInfo, 'batchDiscount' | 'pricesAsOf' | 'minCacheTokens'> & { readonly minCacheTokens?: number };

/** 512 on the 5.x models; some older ones need more (API-FACTS, Prompt caching). */
const MIN_CACHE_TOKENS = 512;

const ROWS: readonly Row[] = [
  {
    id: 'claude-opus-5-5',
    modelClass: 'opus',
    displayName: 'Claude Opus 5.5',
    prices: { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 },
    legacy: false,
  },
  {
    id: 'claude-sonnet-5-5',
    modelClass: 'sonnet',
    displayName: 'Claude Sonnet 5.5',
    // Reads cost 0.05× input on Opus 5.5 and Sonnet 5.5 (0.1× elsewhere).
    prices: { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 },
    legacy: false,
  },
  {
    // These prices hold for prompts up to 100k tokens; the source gives none above.
    id: 'claude-haiku-5-5',
    modelClass: 'haiku',
    displayName: 'Claude Haiku 5.5',
    prices: { input: 0.1, output: 0.5, cacheWrite5m: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01 },
    legacy: false,
  },
  {
    id: 'claude-fable-5-2',
    modelClass: 'fable',
    displayName: 'Claude Fable 5.2',
    prices: { input: 8, output: 40 },
    legacy: false,
  },
  { id: 'claude-opus-5', modelClass: 'opus', displayName: 'Claude Opus 5', prices: { input: 5, output: 25 }, legacy: true },
  {
    id: 'claude-sonnet-5',
    modelClass: 'sonnet',
    displayName: 'Claude Sonnet 5',
    prices: { input: 2, output: 10 },
    legacy: true,
    minCacheTokens: 1024,
  },
  {
    id: 'claude-haiku-4-5',
    modelClass: 'haiku',
    displayName: 'Claude Haiku 4.5',
    prices: { input: 1, output: 5 },
    legacy: true,
    minCacheTokens: 4096,
  },
];

export const MODELS: Readonly<Record<string, ModelInfo>> = Object.freeze(
  Object.fromEntries(
    ROWS.map((r) => [
      r.id,
      Object.freeze({
        ...r,
        minCacheTokens: r.minCacheTokens ?? MIN_CACHE_TOKENS,
        batchDiscount: BATCH_DISCOUNT,
        pricesAsOf: PRICES_AS_OF,
      }),
    ]),
  ),
);
