export { MODELS, MODEL_CLASSES, PRICES_AS_OF, type ModelClass, type ModelInfo, type ModelPrices } from './model-table';
export { resolveModel, knownModelIds, type ModelOverride, type ModelOverrides } from './resolve-model';
export { costOf, estimateCost, cachePrice, CACHE_PRICE_MULTIPLIERS, type CostOptions, type TokenCounts } from './cost';
export { TIER_PRESETS, TIERS, resolveLimits, limitsAssumed, type Tier, type LimitsConfig } from './tiers';
