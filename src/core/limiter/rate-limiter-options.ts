import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Demand, Limits, OutputAccounting } from './types';
import type { CorrectionConfig } from './corrections';
import type { LimiterStore } from './store';
import { MemoryStore } from './stores/memory-store';
import type { AdmitContext } from './transitions';
import { expectFunction, expectNonEmptyString, expectNumber, expectObject, expectOneOf, invalidOption } from '../validate';

export interface RateLimiterOptions {
  clock: Clock;
  /** Configured limits of a model class (tier preset or explicit numbers); headers correct them. */
  limits: (modelClass: string) => Limits;
  /**
   * True when a class's configured limits are a guess (nobody gave a tier or numbers): until its
   * first response headers only a probe goes out (learning.ts). Default: never (told limits are trusted).
   */
  limitsAssumed?: (modelClass: string) => boolean;
  outputAccounting: OutputAccounting;
  /** Holds all mutable state; default: a new MemoryStore on `clock`. Not disposed by the limiter. */
  store?: LimiterStore;
  /** Bucket capacity in seconds of refill: small, so requests are spread out, not burst. Default 1. */
  paceSeconds?: number;
  /**
   * Taken off the bucket's capacity (not its rate), in ms of refill. A request reaches the server
   * some time after it is admitted (event loop, connection set-up, network); while the server's
   * short bucket is full, that time's refill is lost on its side but not on ours, so a burst from
   * a full bucket followed by paced requests could arrive faster than the server's window allows.
   * With a 1 s window and 98 % pacing only ~20 ms of such delay is covered; stalls of 60-90 ms at
   * start-up were measured (see bench/README.md). Default 100, 200 on a shared store (at most half
   * of paceSeconds).
   */
  transitAllowanceMs?: number;
  /**
   * This process's recent event-loop lag in ms (loop-lag.ts). When it exceeds the transit
   * allowance it takes its place, up to half of paceSeconds: a process that stalls sends what it
   * admitted before the stall bunched with what it admits after. Shared stores take the largest
   * lag among the processes sharing. Default: none (the allowance stays as configured).
   */
  loopLagMs?: () => number;
  /** Share of each limit aimed at, above 0 up to 1. Default 0.98. */
  safetyMargin?: number;
  /** Pause after a 429 with neither retry-after nor reset headers. Default 5,000 ms. */
  defaultPauseMs?: number;
  /** After a 429 the headers do not explain, the local rate is multiplied by this (above 0 up to 1; the bucket is also halved, see throttle.ts). Default 0.85. */
  throttleShrink?: number;
  /**
   * After such a 429, successes over about this long at the throttled rate (at least a handful)
   * bring the rate back to full; each success of a request sent after the pause lifts it a step.
   * Default 3,000 ms.
   */
  recoveryMs?: number;
  /**
   * How long an unsettled permit counts as in flight in the shared state: the request timeout
   * plus a margin. A process that dies mid-request stops holding capacity after this. Default
   * 630,000 (the caller's 10 min timeout + 30 s).
   */
  leaseMs?: number;
  /** While the store is out of reach, admits are refused for this long, then asked again. Default 250. */
  storeRetryMs?: number;
  /** Store keys are `${keyPrefix}v${STATE_SCHEMA}:${modelClass}`, so several limiters can share a store. Default `limiter:`. */
  keyPrefix?: string;
}

/** Throttling never goes below this share of the limit. */
const MIN_THROTTLE_FACTOR = 0.1;

export function validateLimits(limits: unknown): Limits {
  expectObject('limits', limits);
  const l = limits as Record<string, unknown>;
  return {
    requestsPerMinute: expectNumber('requestsPerMinute', l['requestsPerMinute'], { min: 1 }),
    inputTokensPerMinute: expectNumber('inputTokensPerMinute', l['inputTokensPerMinute'], { min: 1 }),
    outputTokensPerMinute: expectNumber('outputTokensPerMinute', l['outputTokensPerMinute'], { min: 1 }),
  };
}

export function validateDemand(demand: Demand): void {
  expectNonEmptyString('modelClass', demand.modelClass);
  expectNumber('inputTokens', demand.inputTokens, { min: 0 });
  expectNumber('maxTokens', demand.maxTokens, { min: 1 });
  if (demand.expectedOutputTokens !== undefined) {
    expectNumber('expectedOutputTokens', demand.expectedOutputTokens, { min: 0 });
  }
}

/** The options a limiter runs on, validated once, with their defaults filled in. */
export interface ResolvedLimiterOptions {
  clock: Clock;
  store: LimiterStore;
  cfg: CorrectionConfig;
  ctx: AdmitContext;
  storeRetryMs: number;
}

/** The defaults the options above name, exported for the benchmarks that explain a run's pace. */
export const DEFAULT_PACE_SECONDS = 1;
export const DEFAULT_SAFETY_MARGIN = 0.98;
export const DEFAULT_TRANSIT_MS = { alone: 100, shared: 200 } as const;

export function resolveLimiterOptions(options: RateLimiterOptions): ResolvedLimiterOptions {
  if (!options || typeof options.clock?.now !== 'function') throw invalidOption('clock', 'a Clock', options?.clock);
  expectFunction('limits', options.limits);
  const clock = options.clock;
  const accounting = expectOneOf('outputAccounting', options.outputAccounting, ['reserve', 'actual'] as const);
  const paceMs = expectNumber('paceSeconds', options.paceSeconds ?? DEFAULT_PACE_SECONDS, { above: 0 }) * 1000;
  const store = options.store ?? new MemoryStore(clock);
  // Processes sharing a budget on a busy machine stall longer between admit and send than one
  // process alone (three CLI processes on two loaded cores met the odd 429 at 100 ms).
  const defaultTransitMs = store.scope === 'process' ? DEFAULT_TRANSIT_MS.alone : DEFAULT_TRANSIT_MS.shared;
  const transitMs = expectNumber('transitAllowanceMs', options.transitAllowanceMs ?? Math.min(defaultTransitMs, paceMs / 2), {
    min: 0,
    max: paceMs / 2,
  });
  const cfg: CorrectionConfig = {
    paceMs,
    capacityMs: paceMs - transitMs,
    margin: expectNumber('safetyMargin', options.safetyMargin ?? DEFAULT_SAFETY_MARGIN, { above: 0, max: 1 }),
    defaultPauseMs: expectNumber('defaultPauseMs', options.defaultPauseMs ?? 5_000, { min: 0 }),
    shrink: expectNumber('throttleShrink', options.throttleShrink ?? 0.85, { above: 0, max: 1 }),
    minFactor: MIN_THROTTLE_FACTOR,
    recoveryMs: expectNumber('recoveryMs', options.recoveryMs ?? 3_000, { above: 0 }),
  };
  const storeRetryMs = expectNumber('storeRetryMs', options.storeRetryMs ?? 250, { min: 1 });
  if (options.loopLagMs !== undefined) expectFunction('loopLagMs', options.loopLagMs);
  const ctx: AdmitContext = {
    cfg,
    accounting,
    owner: `${process.pid}-${randomBytes(4).toString('hex')}`,
    leaseMs: expectNumber('leaseMs', options.leaseMs ?? 630_000, { above: 0 }),
    transitMs,
    ...(options.loopLagMs ? { loopLagMs: options.loopLagMs } : {}),
  };
  return { clock, store, cfg, ctx, storeRetryMs };
}
