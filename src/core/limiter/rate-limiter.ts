import type { Clock } from '../clock';
import { rateLimitedInputTokens, type Usage } from '../usage';
import {
  type AdmitDecision,
  type Demand,
  type Limits,
  type LimiterSnapshot,
  type OutputAccounting,
  type Permit,
  type RateLimiter,
  type Settlement,
} from './types';
import { type Amounts, type ClassState, adjust, initialState, refill, release, take } from './class-state';
import { applyHeaders, applyRateLimited, exhausted, type CorrectionConfig } from './corrections';
import { explains, informative, markHeard } from './learning';
import { relax } from './throttle';
import type { HeaderSource } from '../errors';
import { parseRateLimitHeaders } from './headers';
import { snapshotOf } from './snapshot';
import { MemoryStore, type LimiterStore } from './store';
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
  /** Holds all mutable state; default: a new MemoryStore. */
  store?: LimiterStore;
  /** Bucket capacity in seconds of refill: small, so requests are spread out, not burst. Default 1. */
  paceSeconds?: number;
  /**
   * Taken off the bucket's capacity (not its rate), in ms of refill. A request reaches the server
   * some time after it is admitted (event loop, connection set-up, network); while the server's
   * short bucket is full, that time's refill is lost on its side but not on ours, so a burst from
   * a full bucket followed by paced requests could arrive faster than the server's window allows.
   * With a 1 s window and 98 % pacing only ~20 ms of such delay is covered; stalls of 60-90 ms at
   * start-up were measured (see bench/README.md). Default 100 (at most half of paceSeconds).
   */
  transitAllowanceMs?: number;
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
  /** Store keys are `${keyPrefix}${modelClass}`, so several limiters can share a store. Default `limiter:`. */
  keyPrefix?: string;
}

/** Weight of the newest response in the learned mean output (for 'actual' accounting). */
const OUTPUT_MEAN_WEIGHT = 0.2;
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

function validateDemand(demand: Demand): void {
  expectNonEmptyString('modelClass', demand.modelClass);
  expectNumber('inputTokens', demand.inputTokens, { min: 0 });
  expectNumber('maxTokens', demand.maxTokens, { min: 1 });
  if (demand.expectedOutputTokens !== undefined) {
    expectNumber('expectedOutputTokens', demand.expectedOutputTokens, { min: 0 });
  }
}

function chargedBy(permit: Permit): Amounts {
  return { requests: 1, inputTokens: permit.inputTokens, outputTokens: permit.outputTokens };
}

/**
 * Paced token buckets per model class × {requests, input tokens, output tokens}, kept in a
 * LimiterStore, corrected by response headers and by 429s. See src/core/limiter/types.ts.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!options || typeof options.clock?.now !== 'function') throw invalidOption('clock', 'a Clock', options?.clock);
  expectFunction('limits', options.limits);
  const clock = options.clock;
  const accounting = expectOneOf('outputAccounting', options.outputAccounting, ['reserve', 'actual'] as const);
  const paceMs = expectNumber('paceSeconds', options.paceSeconds ?? 1, { above: 0 }) * 1000;
  const transitMs = expectNumber('transitAllowanceMs', options.transitAllowanceMs ?? Math.min(100, paceMs / 2), { min: 0, max: paceMs / 2 });
  const cfg: CorrectionConfig = {
    capacityMs: paceMs - transitMs,
    margin: expectNumber('safetyMargin', options.safetyMargin ?? 0.98, { above: 0, max: 1 }),
    defaultPauseMs: expectNumber('defaultPauseMs', options.defaultPauseMs ?? 5_000, { min: 0 }),
    shrink: expectNumber('throttleShrink', options.throttleShrink ?? 0.85, { above: 0, max: 1 }),
    minFactor: MIN_THROTTLE_FACTOR,
    recoveryMs: expectNumber('recoveryMs', options.recoveryMs ?? 3_000, { above: 0 }),
  };
  const assumed = options.limitsAssumed ?? (() => false);
  const store = options.store ?? new MemoryStore();
  const prefix = options.keyPrefix ?? 'limiter:';
  const unsettled = new Set<number>();
  /** Permits whose response headers arrived at stream start: the server has counted their request and input. */
  const heardEarly = new Set<number>();
  let nextId = 1;

  /** Runs `fn` on the class's refilled state, inside one atomic store update. */
  async function withState<R>(modelClass: string, fn: (state: ClassState, now: number) => R): Promise<R> {
    // Configured limits are read outside the update: it must stay synchronous and cheap.
    const existing = await store.get<ClassState>(prefix + modelClass);
    const configured = existing ? undefined : validateLimits(options.limits(modelClass));
    return store.update<ClassState, R>(prefix + modelClass, (current) => {
      const now = clock.now();
      const state = current ?? initialState(configured ?? validateLimits(options.limits(modelClass)), now, cfg, assumed(modelClass));
      refill(state, now, cfg);
      return { state, result: fn(state, now) };
    });
  }

  function outputCharge(state: ClassState, demand: Demand): number {
    if (accounting === 'reserve') return demand.maxTokens;
    return Math.min(demand.maxTokens, demand.expectedOutputTokens ?? state.outputMean ?? demand.maxTokens);
  }

  function reconcile(state: ClassState, permit: Permit, usage: Usage, now: number): void {
    adjust(state, 'inputTokens', rateLimitedInputTokens(usage) - permit.inputTokens, permit.issuedAt, now, cfg);
    adjust(state, 'outputTokens', usage.outputTokens - permit.outputTokens, permit.issuedAt, now, cfg);
    state.outputMean =
      state.outputMean === undefined
        ? usage.outputTokens
        : state.outputMean + OUTPUT_MEAN_WEIGHT * (usage.outputTokens - state.outputMean);
  }

  return {
    async admit(demand: Demand): Promise<AdmitDecision> {
      validateDemand(demand);
      return withState(demand.modelClass, (state, now): AdmitDecision => {
        const charge: Amounts = {
          requests: 1,
          inputTokens: demand.inputTokens,
          outputTokens: outputCharge(state, demand),
        };
        const taken = take(state, charge, now, cfg);
        if (!taken.ok) return { admitted: false, waitMs: taken.waitMs, blockedBy: taken.blockedBy };
        const permit: Permit = {
          id: nextId++,
          modelClass: demand.modelClass,
          inputTokens: charge.inputTokens,
          outputTokens: charge.outputTokens,
          issuedAt: now,
        };
        unsettled.add(permit.id);
        return { admitted: true, permit };
      });
    },

    async settle(permit: Permit, settlement: Settlement): Promise<void> {
      // Settling twice must not refund twice; a second settlement is ignored.
      if (!unsettled.delete(permit.id)) return;
      const charged = chargedBy(permit);
      const early = heardEarly.delete(permit.id);
      await withState(permit.modelClass, (state, now) => {
        release(state, early ? { requests: 0, inputTokens: 0, outputTokens: charged.outputTokens } : charged);
        // Headers read at stream start are this response's: applying them again now would compare
        // a stale `remaining` with what has been sent since.
        const info =
          !early && 'headers' in settlement && settlement.headers ? parseRateLimitHeaders(settlement.headers, now) : undefined;
        const limitsBefore = { ...state.limits };
        switch (settlement.outcome) {
          case 'completed':
            reconcile(state, permit, settlement.usage, now);
            // An answer came back: the server has spoken, and it proves room at the current rate.
            markHeard(state, now);
            state.throttle = relax(state.throttle, permit.issuedAt);
            break;
          case 'failed':
            // It reached the server, so the request stays charged: whether a server error counts
            // against RPM is not documented, and keeping it costs at most the fault rate.
            if (settlement.usage) reconcile(state, permit, settlement.usage, now);
            else {
              // Output we cannot know; the headers will say if it mattered.
              adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
              // A 5xx/529 status came back instead of an answer: the model did not run, so no input
              // was processed (the simulator charges such faults nothing). A connection error or a
              // stream that failed midway may have run the model: its input estimate stands.
              if (settlement.rejected) adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
            }
            break;
          case 'rate_limited':
            // The server rejected it before generating anything: only the request stands.
            adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
            adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
            break;
          case 'not_sent':
            adjust(state, 'requests', -1, permit.issuedAt, now, cfg);
            adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
            adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
            break;
        }
        if (info) applyHeaders(state, info, now, cfg);
        if (informative(info)) markHeard(state, now);
        if (settlement.outcome === 'rate_limited') {
          const explained = explains(info, limitsBefore, exhausted(info, charged).length > 0);
          applyRateLimited(state, info, settlement.retryAfterMs, charged, now, cfg, explained);
        }
      });
    },

    async observe(permit: Permit, headers: HeaderSource): Promise<void> {
      // Only once per permit, and only while it is out.
      if (!unsettled.has(permit.id) || heardEarly.has(permit.id)) return;
      heardEarly.add(permit.id);
      await withState(permit.modelClass, (state, now) => {
        // The server has counted this request and its input; its output comes as it streams.
        release(state, { requests: 1, inputTokens: permit.inputTokens, outputTokens: 0 });
        const info = parseRateLimitHeaders(headers, now);
        applyHeaders(state, info, now, cfg);
        if (informative(info)) markHeard(state, now);
      });
    },

    async snapshot(modelClass: string): Promise<LimiterSnapshot> {
      expectNonEmptyString('modelClass', modelClass);
      return withState(modelClass, (state, now) => snapshotOf(modelClass, state, now));
    },

    async setLimits(modelClass: string, limits: Limits): Promise<void> {
      expectNonEmptyString('modelClass', modelClass);
      const valid = validateLimits(limits);
      await withState(modelClass, (state, now) => {
        state.limits = { ...valid };
        // Refill already ran at the old rate up to now; only the capacity needs clamping.
        refill(state, now, cfg);
      });
    },
  };
}
