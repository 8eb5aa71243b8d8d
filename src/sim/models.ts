/**
 * The models the simulator knows. Rate limits apply per model class, as on the real API.
 */
export const MODEL_CLASSES = ['opus', 'sonnet', 'haiku', 'fable'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

interface ModelInfo {
  readonly modelClass: ModelClass;
  /** Forced tool use (`tool_choice` any/tool) is rejected on these (API-FACTS). */
  readonly rejectsForcedTools: boolean;
  /** Shortest prefix prompt caching stores (API-FACTS, Prompt caching): below it nothing is cached. */
  readonly minCacheTokens: number;
}

const MODELS: Readonly<Record<string, ModelInfo>> = {
  'claude-opus-5-5': { modelClass: 'opus', rejectsForcedTools: true, minCacheTokens: 512 },
  'claude-sonnet-5-5': { modelClass: 'sonnet', rejectsForcedTools: true, minCacheTokens: 512 },
  'claude-haiku-5-5': { modelClass: 'haiku', rejectsForcedTools: false, minCacheTokens: 512 },
  'claude-fable-5-2': { modelClass: 'fable', rejectsForcedTools: true, minCacheTokens: 512 },
  'claude-opus-5': { modelClass: 'opus', rejectsForcedTools: false, minCacheTokens: 512 },
  'claude-sonnet-5': { modelClass: 'sonnet', rejectsForcedTools: false, minCacheTokens: 1024 },
  'claude-haiku-4-5': { modelClass: 'haiku', rejectsForcedTools: false, minCacheTokens: 4096 },
};

export const KNOWN_MODELS: readonly string[] = Object.keys(MODELS);

export function modelInfo(model: string): ModelInfo | undefined {
  return Object.prototype.hasOwnProperty.call(MODELS, model) ? MODELS[model] : undefined;
}

/** Error responses that precede model parsing still need rate-limit headers; they use this class. */
export const FALLBACK_CLASS: ModelClass = 'sonnet';
