import type { Limits } from '../limiter/types';
import { expectNumber, expectOneOf } from '../validate';
import { MODEL_CLASSES, type ModelClass } from './model-table';

export type Tier = 'start' | 'build' | 'scale';
export const TIERS: readonly Tier[] = ['start', 'build', 'scale'];

function limits(rpm: number, itpm: number, otpm: number): Limits {
  return Object.freeze({ requestsPerMinute: rpm, inputTokensPerMinute: itpm, outputTokensPerMinute: otpm });
}

/**
 * Starting points, not truth: the limiter adopts whatever limits the response headers report,
 * and users override any number. Only Start and Scale for Opus/Sonnet/Haiku come from the
 * published tiers; Build sits between them, and Fable (no published figures to hand) is
 * assumed to get half the limits of the other classes at each tier.
 */
export const TIER_PRESETS: Readonly<Record<Tier, Readonly<Record<ModelClass, Limits>>>> = Object.freeze({
  start: Object.freeze({
    opus: limits(1_000, 2_000_000, 400_000),
    sonnet: limits(1_000, 2_000_000, 400_000),
    haiku: limits(1_000, 2_000_000, 400_000),
    fable: limits(500, 1_000_000, 200_000),
  }),
  build: Object.freeze({
    opus: limits(4_000, 5_000_000, 1_000_000),
    sonnet: limits(4_000, 5_000_000, 1_000_000),
    haiku: limits(4_000, 5_000_000, 1_000_000),
    fable: limits(2_000, 2_500_000, 500_000),
  }),
  scale: Object.freeze({
    opus: limits(10_000, 10_000_000, 2_000_000),
    sonnet: limits(10_000, 10_000_000, 2_000_000),
    haiku: limits(10_000, 10_000_000, 2_000_000),
    fable: limits(5_000, 5_000_000, 1_000_000),
  }),
});

/**
 * count_tokens has an RPM limit of its own, apart from the Messages API's. Anthropic's token-counting
 * table runs from 100 RPM on the lowest tier to 8,000 on the highest; these presets follow its upper
 * rows (Start sits above the lowest tier, as its Messages limits do). A lower real limit costs a 429
 * whose retry-after pauses count_tokens for every process sharing the key; the estimate then counts
 * fewer samples, never fails for it.
 */
export const COUNT_TOKENS_RPM: Readonly<Record<Tier, number>> = Object.freeze({ start: 2_000, build: 4_000, scale: 8_000 });

/** Tokens are not limited on count_tokens: a bound no demand reaches stands for "none". */
const UNLIMITED_TOKENS_PER_MINUTE = 1e12;

/** The limits of the count_tokens limiter under these settings: the tier's RPM, tokens unbounded. */
export function countTokensLimits(config: LimitsConfig): Limits {
  const tier = expectOneOf('tier', config.tier ?? 'start', TIERS);
  return limits(COUNT_TOKENS_RPM[tier], UNLIMITED_TOKENS_PER_MINUTE, UNLIMITED_TOKENS_PER_MINUTE);
}

export interface LimitsConfig {
  /** Default `start`: the lowest preset, which headers then raise to the account's real limits. */
  tier?: Tier;
  rpm?: number;
  itpm?: number;
  otpm?: number;
}

/** Limits for one model class: explicit numbers win over the tier's preset. */
export function resolveLimits(config: LimitsConfig, modelClass: string): Limits {
  const cls = expectOneOf('modelClass', modelClass, MODEL_CLASSES);
  const tier = expectOneOf('tier', config.tier ?? 'start', TIERS);
  const preset = TIER_PRESETS[tier][cls];
  const pick = (name: 'rpm' | 'itpm' | 'otpm', fallback: number): number =>
    config[name] === undefined ? fallback : expectNumber(name, config[name], { min: 1 });
  return {
    requestsPerMinute: pick('rpm', preset.requestsPerMinute),
    inputTokensPerMinute: pick('itpm', preset.inputTokensPerMinute),
    outputTokensPerMinute: pick('otpm', preset.outputTokensPerMinute),
  };
}

/**
 * True when the limits are a guess rather than told: no explicit request limit, and the tier is the
 * default Start (which the VS Code setting always reports, chosen or not, and below which new
 * organizations may start). The limiter then probes before its first headers (limiter/learning.ts);
 * that costs one response's time to its headers, once per model class.
 */
export function limitsAssumed(config: LimitsConfig): boolean {
  return config.rpm === undefined && (config.tier ?? 'start') === 'start';
}
