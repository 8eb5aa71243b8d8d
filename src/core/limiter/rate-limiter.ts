import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { ForgeError, classify, type HeaderSource } from '../errors';
import {
  type AdmitDecision,
  type Demand,
  type Limits,
  type LimiterSnapshot,
  type OutputAccounting,
  type Permit,
  type RateLimiter,
  type Settlement,
  type SharingStatus,
} from './types';
import { refill } from './class-state';
import type { CorrectionConfig } from './corrections';
import { freshShared, housekeep, isSharedClassState, peersSeen, STATE_SCHEMA, type SharedClassState } from './shared-state';
import { snapshotOf } from './snapshot';
import { isSyncStore, type LimiterStore } from './store';
import { MemoryStore } from './stores/memory-store';
import { admitOn, observeOn, settleOn, type AdmitContext } from './transitions';
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

function validateDemand(demand: Demand): void {
  expectNonEmptyString('modelClass', demand.modelClass);
  expectNumber('inputTokens', demand.inputTokens, { min: 0 });
  expectNumber('maxTokens', demand.maxTokens, { min: 1 });
  if (demand.expectedOutputTokens !== undefined) {
    expectNumber('expectedOutputTokens', demand.expectedOutputTokens, { min: 0 });
  }
}

function isStoreOutage(e: unknown): boolean {
  return e instanceof ForgeError && e.kind === 'store_unavailable';
}

/**
 * Paced token buckets per model class × {requests, input tokens, output tokens}, kept in a
 * LimiterStore, corrected by response headers and by 429s. See src/core/limiter/types.ts.
 *
 * Every operation is one store update running a pure transition (transitions.ts) on the state and
 * the store's time. The memory store applies it in place, synchronously; shared stores add their
 * round trips. While a shared store is out of reach, admits are refused with `blockedBy: 'store'`
 * (the run waits, nothing is sent unmetered) and settlements queue up here, idempotent by lease,
 * to be applied once it is back.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!options || typeof options.clock?.now !== 'function') throw invalidOption('clock', 'a Clock', options?.clock);
  expectFunction('limits', options.limits);
  const clock = options.clock;
  const accounting = expectOneOf('outputAccounting', options.outputAccounting, ['reserve', 'actual'] as const);
  const paceMs = expectNumber('paceSeconds', options.paceSeconds ?? 1, { above: 0 }) * 1000;
  const store = options.store ?? new MemoryStore(clock);
  // Processes sharing a budget on a busy machine stall longer between admit and send than one
  // process alone (three CLI processes on two loaded cores met the odd 429 at 100 ms).
  const defaultTransitMs = store.scope === 'process' ? 100 : 200;
  const transitMs = expectNumber('transitAllowanceMs', options.transitAllowanceMs ?? Math.min(defaultTransitMs, paceMs / 2), {
    min: 0,
    max: paceMs / 2,
  });
  const cfg: CorrectionConfig = {
    capacityMs: paceMs - transitMs,
    margin: expectNumber('safetyMargin', options.safetyMargin ?? 0.98, { above: 0, max: 1 }),
    defaultPauseMs: expectNumber('defaultPauseMs', options.defaultPauseMs ?? 5_000, { min: 0 }),
    shrink: expectNumber('throttleShrink', options.throttleShrink ?? 0.85, { above: 0, max: 1 }),
    minFactor: MIN_THROTTLE_FACTOR,
    recoveryMs: expectNumber('recoveryMs', options.recoveryMs ?? 3_000, { above: 0 }),
  };
  const storeRetryMs = expectNumber('storeRetryMs', options.storeRetryMs ?? 250, { min: 1 });
  const ctx: AdmitContext = {
    cfg,
    accounting,
    owner: `${process.pid}-${randomBytes(4).toString('hex')}`,
    leaseMs: expectNumber('leaseMs', options.leaseMs ?? 630_000, { above: 0 }),
  };
  const assumed = options.limitsAssumed ?? (() => false);
  const sync = isSyncStore(store) ? store : undefined;
  const keyOf = (modelClass: string) => `${options.keyPrefix ?? 'limiter:'}v${STATE_SCHEMA}:${modelClass}`;
  const configured = new Map<string, Limits>();
  /** Settlements the store could not take yet, in order; retried before the next operation. */
  const pendingSettles: Array<{ permit: Permit; settlement: Settlement }> = [];
  let outage: { since: number; problem: string } | undefined;
  const lastSnapshots = new Map<string, LimiterSnapshot>();

  // Configured limits are validated outside the update: it must stay pure and cheap.
  function limitsFor(modelClass: string): Limits {
    let l = configured.get(modelClass);
    if (!l) {
      l = validateLimits(options.limits(modelClass));
      configured.set(modelClass, l);
    }
    return l;
  }

  /** A class's first state: its configured limits, probing first when they are a guess. */
  /** The in-memory path: the class's state brought up to `now`, then `fn` applied in place. */
  function inPlace<R>(store: NonNullable<typeof sync>, modelClass: string, fn: (s: SharedClassState, now: number) => R): R {
    return store.mutate(keyOf(modelClass), (current: SharedClassState | undefined, now) => {
      const s = current ?? firstState(modelClass, now);
      housekeep(s, now, ctx.owner);
      refill(s.cls, now, cfg);
      return { state: s, result: fn(s, now) };
    });
  }

  function firstState(modelClass: string, now: number): SharedClassState {
    return freshShared(limitsFor(modelClass), now, cfg, assumed(modelClass));
  }

  /**
   * One store update: `fn` runs on the class's refilled state at the store's time and says whether
   * it changed anything worth writing (a refused admit does not).
   */
  function step<R>(
    modelClass: string,
    fn: (s: SharedClassState, now: number) => R,
    changes: (r: R) => boolean = () => true,
  ): R | Promise<R> {
    const limits = limitsFor(modelClass);
    const guess = assumed(modelClass);
    const body = (current: SharedClassState | undefined, now: number) => {
      const fresh = current === undefined || !isSharedClassState(current);
      const s = fresh ? freshShared(limits, now, cfg, guess) : current;
      const kept = housekeep(s, now, ctx.owner);
      refill(s.cls, now, cfg);
      const result = fn(s, now);
      return { state: s, result, unchanged: !fresh && !kept && !changes(result) };
    };
    return sync ? sync.mutate(keyOf(modelClass), body) : store.update(keyOf(modelClass), body);
  }

  function noteOutage(e: unknown): void {
    outage ??= { since: clock.now(), problem: classify(e).message };
  }

  async function applySettle(permit: Permit, settlement: Settlement): Promise<void> {
    await step(permit.modelClass, (s, now) => settleOn(s, permit, settlement, now, cfg));
  }

  /** Applies queued settlements in order; false while the store is still out of reach. One flush at a time. */
  let flushing: Promise<boolean> | undefined;
  function flushSettles(): Promise<boolean> {
    flushing ??= (async () => {
      try {
        while (pendingSettles.length > 0) {
          const { permit, settlement } = pendingSettles[0]!;
          try {
            await applySettle(permit, settlement);
          } catch (e) {
            if (isStoreOutage(e)) {
              noteOutage(e);
              return false;
            }
            pendingSettles.shift();
            throw e;
          }
          pendingSettles.shift();
        }
        return true;
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  function sharing(s: SharedClassState | undefined, now: number): SharingStatus | undefined {
    if (store.scope === 'process') return undefined;
    return {
      scope: store.scope,
      processes: s ? Math.max(1, peersSeen(s, now)) : 1,
      reachable: outage === undefined,
      ...(outage ? { unreachableSince: outage.since, problem: outage.problem } : {}),
    };
  }

  return {
    async admit(demand: Demand): Promise<AdmitDecision> {
      validateDemand(demand);
      if (sync) return inPlace(sync, demand.modelClass, (s, now) => admitOn(s, demand, now, ctx));
      if (pendingSettles.length > 0 && !(await flushSettles())) {
        return { admitted: false, waitMs: storeRetryMs, blockedBy: 'store' };
      }
      try {
        const decision = await step(
          demand.modelClass,
          (s, now) => admitOn(s, demand, now, ctx),
          (d) => d.admitted,
        );
        outage = undefined;
        return decision;
      } catch (e) {
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
        return { admitted: false, waitMs: storeRetryMs, blockedBy: 'store' };
      }
    },

    async settle(permit: Permit, settlement: Settlement): Promise<void> {
      if (sync) return inPlace(sync, permit.modelClass, (s, now) => settleOn(s, permit, settlement, now, cfg));
      // Settlements keep their order: a later one never overtakes one still queued.
      pendingSettles.push({ permit, settlement });
      if (await flushSettles()) outage = undefined;
    },

    async observe(permit: Permit, headers: HeaderSource): Promise<void> {
      // The lease records that its response was heard (at most once): any store, any process.
      if (sync) {
        inPlace(sync, permit.modelClass, (s, now) => observeOn(s, permit, headers, now, cfg));
        return;
      }
      try {
        await step(
          permit.modelClass,
          (s, now) => observeOn(s, permit, headers, now, cfg),
          (changed) => changed,
        );
      } catch (e) {
        // Out of reach: the lease stays unheard, so the settlement applies these headers later.
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
      }
    },

    async snapshot(modelClass: string): Promise<LimiterSnapshot> {
      expectNonEmptyString('modelClass', modelClass);
      try {
        const { state, now } = await store.read<SharedClassState>(keyOf(modelClass));
        const s = state !== undefined && isSharedClassState(state) ? state : firstState(modelClass, now);
        refill(s.cls, now, cfg);
        const share = sharing(state, now);
        const snap = { ...snapshotOf(modelClass, s.cls, now), ...(share ? { sharing: share } : {}) };
        lastSnapshots.set(modelClass, snap);
        return snap;
      } catch (e) {
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
        // The last thing known, marked out of reach: the view says the run waits, and why.
        const last = lastSnapshots.get(modelClass) ?? snapshotOf(modelClass, firstState(modelClass, clock.now()).cls, clock.now());
        return { ...last, sharing: sharing(undefined, clock.now())! };
      }
    },

    async setLimits(modelClass: string, limits: Limits): Promise<void> {
      expectNonEmptyString('modelClass', modelClass);
      const valid = validateLimits(limits);
      configured.set(modelClass, valid);
      try {
        await step(modelClass, (s, now) => {
          s.cls.limits = { ...valid };
          // Refill already ran at the old rate up to now; only the capacity needs clamping.
          refill(s.cls, now, cfg);
        });
      } catch (e) {
        // Out of reach: the new limits take effect for a rebuilt state and the headers correct the rest.
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
      }
    },
  };
}
