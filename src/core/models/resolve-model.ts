import { expectNonEmptyString, expectNumber, expectObject, expectOneOf } from '../validate';
import { MODEL_CLASSES, MODELS, type ModelInfo, type ModelPrices } from './model-table';

/** A user's correction of one model's entry (or a whole entry for a model the table lacks). */
export interface ModelOverride {
  readonly modelClass?: ModelInfo['modelClass'];
  readonly displayName?: string;
  readonly prices?: Partial<ModelPrices>;
  readonly batchDiscount?: number;
  readonly pricesAsOf?: string;
  readonly legacy?: boolean;
  readonly minCacheTokens?: number;
}

export type ModelOverrides = Readonly<Record<string, ModelOverride>>;

export function knownModelIds(overrides: ModelOverrides = {}): string[] {
  return [...new Set([...Object.keys(MODELS), ...Object.keys(overrides)])].filter((id) => resolveModel(id, overrides) !== undefined);
}

function checkPrices(id: string, prices: Partial<ModelPrices>): void {
  for (const [key, value] of Object.entries(prices)) {
    if (value !== undefined) expectNumber(`models.${id}.prices.${key}`, value, { min: 0 });
  }
}

/**
 * The table's entry for `id` with the user's override merged over it, or undefined for a model
 * neither knows. An override alone defines a model only if it names its class and both
 * input and output prices. Invalid override values throw with a uniform message.
 */
export function resolveModel(id: string, overrides: ModelOverrides = {}): ModelInfo | undefined {
  expectNonEmptyString('model', id);
  const base = Object.hasOwn(MODELS, id) ? MODELS[id] : undefined;
  const o = Object.hasOwn(overrides, id) ? overrides[id] : undefined;
  if (!o) return base;
  expectObject(`models.${id}`, o);
  if (o.prices) checkPrices(id, o.prices);
  if (o.modelClass !== undefined) expectOneOf(`models.${id}.modelClass`, o.modelClass, MODEL_CLASSES);
  if (o.minCacheTokens !== undefined) expectNumber(`models.${id}.minCacheTokens`, o.minCacheTokens, { min: 1 });
  if (o.batchDiscount !== undefined) expectNumber(`models.${id}.batchDiscount`, o.batchDiscount, { min: 0, max: 1 });
  const prices = { ...base?.prices, ...o.prices };
  const modelClass = o.modelClass ?? base?.modelClass;
  if (modelClass === undefined || prices.input === undefined || prices.output === undefined) return undefined;
  return {
    id,
    modelClass,
    displayName: o.displayName ?? base?.displayName ?? id,
    prices: prices as ModelPrices,
    batchDiscount: o.batchDiscount ?? base?.batchDiscount ?? 0.5,
    pricesAsOf: o.pricesAsOf ?? base?.pricesAsOf ?? 'user override',
    legacy: o.legacy ?? base?.legacy ?? false,
    minCacheTokens: o.minCacheTokens ?? base?.minCacheTokens ?? 1024,
  };
}
