import { DIMENSIONS, type Limits, type Dimension } from './types';
import { emptyRing, record, type UsageRing } from './usage-ring';
import { PROBE_RECHECK_MS, probeFull } from './learning';
import { burstAt, factorAt, type Throttle } from './throttle';

/**
 * The mutable state of one model class, as plain data so any LimiterStore can hold it, and
 * the pure transitions every limiter operation is built from. Levels are in units of the
 * dimension (requests or tokens) and may go negative: a request larger than a bucket's
 * capacity is let through when the bucket is full and leaves it in debt.
 */
export interface ServerView {
  limit?: number;
  remaining?: number;
  resetAt?: number;
  /** When the server said so (epoch ms). */
  at: number;
}

export interface ClassState {
  /** Effective limits: configured, then corrected by response headers. */
  limits: Limits;
  levels: Record<Dimension, number>;
  refilledAt: number;
  /** Charged by permits not yet settled, which the server may not have seen yet. */
  inFlight: Record<Dimension, number>;
  rings: Record<Dimension, UsageRing>;
  server: Partial<Record<Dimension, ServerView>>;
  /** Epoch ms; 0 when not paused. */
  pausedUntil: number;
  throttle?: Throttle;
  /** Learned mean output tokens per request, for pacing under 'actual' accounting. */
  outputMean?: number;
  /**
   * The configured limits are a guess (nobody told Forge the account's limits): until the first
   * response headers arrive, only a probe goes out (see learning.ts).
   */
  assumed?: boolean;
  /** Epoch ms of the first response headers (or, lacking any, the first answer); unset before. */
  heardAt?: number;
  /**
   * The transit allowance in force when a process sharing this state measured its event loop
   * stalling longer than the configured one (ms; see loop-lag.ts and shared-state.ts `housekeep`).
   */
  transitMs?: number;
}

export interface PacingConfig {
  /** paceSeconds in ms: the bucket's capacity before any transit allowance. */
  readonly paceMs: number;
  /** Bucket capacity, in milliseconds of refill (paceSeconds less the configured transit allowance). */
  readonly capacityMs: number;
  /** Share of the limit aimed at (e.g. 0.98). */
  readonly margin: number;
}

export const LIMIT_FIELD: Readonly<Record<Dimension, keyof Limits>> = {
  requests: 'requestsPerMinute',
  inputTokens: 'inputTokensPerMinute',
  outputTokens: 'outputTokensPerMinute',
};

/** Float slack when comparing levels, far below one token. */
const EPSILON = 1e-6;

export type Amounts = Record<Dimension, number>;

export function zeroAmounts(): Amounts {
  return { requests: 0, inputTokens: 0, outputTokens: 0 };
}

export function initialState(limits: Limits, now: number, cfg: PacingConfig, assumed = false): ClassState {
  const state: ClassState = {
    limits: { ...limits },
    levels: zeroAmounts(),
    refilledAt: now,
    inFlight: zeroAmounts(),
    rings: { requests: emptyRing(now), inputTokens: emptyRing(now), outputTokens: emptyRing(now) },
    server: {},
    pausedUntil: 0,
    ...(assumed ? { assumed: true } : {}),
  };
  for (const d of DIMENSIONS) state.levels[d] = capacity(state, d, now, cfg);
  return state;
}

/** Refill per millisecond at the given throttle factor. */
export function ratePerMs(state: ClassState, d: Dimension, factor: number, cfg: PacingConfig): number {
  return (state.limits[LIMIT_FIELD[d]] * cfg.margin * factor) / 60_000;
}

/** The bucket's capacity in ms of refill: a measured lag beyond the configured allowance takes more off, up to half. */
export function capacityMsOf(state: ClassState, cfg: PacingConfig): number {
  const lag = state.transitMs;
  return lag === undefined ? cfg.capacityMs : Math.min(cfg.capacityMs, cfg.paceMs - Math.min(cfg.paceMs / 2, lag));
}

export function capacity(state: ClassState, d: Dimension, _now: number, cfg: PacingConfig): number {
  return ratePerMs(state, d, factorAt(state.throttle), cfg) * capacityMsOf(state, cfg) * burstAt(state.throttle);
}

/** Brings every bucket up to `now`; also clamps buckets whose capacity shrank. */
export function refill(state: ClassState, now: number, cfg: PacingConfig): void {
  const from = state.refilledAt;
  const dt = Math.max(0, now - from);
  // The factor only changes at settlements, each of which refills first: it is constant over [from, now].
  // Factor and burst are read once here, not per dimension (this runs on every admit and settle).
  const factor = factorAt(state.throttle);
  const burst = burstAt(state.throttle) * capacityMsOf(state, cfg);
  for (const d of DIMENSIONS) {
    const rate = ratePerMs(state, d, factor, cfg);
    const cap = rate * burst; // = capacity(state, d, now, cfg)
    state.levels[d] = Math.min(cap, state.levels[d] + rate * dt);
  }
  // A store shared across machines may see a clock step back: never refill twice for one span.
  state.refilledAt = Math.max(from, now);
}

export type TakeResult =
  { readonly ok: true } | { readonly ok: false; readonly waitMs: number; readonly blockedBy: Dimension | 'pause' | 'learning' };

/**
 * Takes `charge` from all three buckets if all can pay (a charge above capacity is paid by a
 * full bucket), else says exactly how long until all can. Call `refill` first.
 */
export function take(state: ClassState, charge: Amounts, now: number, cfg: PacingConfig): TakeResult {
  if (state.pausedUntil > now) {
    return { ok: false, waitMs: Math.max(1, Math.ceil(state.pausedUntil - now)), blockedBy: 'pause' };
  }
  if (probeFull(state)) return { ok: false, waitMs: PROBE_RECHECK_MS, blockedBy: 'learning' };
  let wait = 0;
  let blockedBy: Dimension | undefined;
  const factor = factorAt(state.throttle);
  const burst = burstAt(state.throttle) * capacityMsOf(state, cfg);
  for (const d of DIMENSIONS) {
    const rate = ratePerMs(state, d, factor, cfg);
    const need = Math.min(charge[d], rate * burst); // capacity(state, d, now, cfg)
    const short = need - state.levels[d];
    if (short <= EPSILON) continue;
    const ms = short / rate;
    if (blockedBy === undefined || ms > wait) {
      wait = ms;
      blockedBy = d;
    }
  }
  if (blockedBy !== undefined) {
    // Rounded up to whole milliseconds: waking at waitMs always finds the buckets able to pay.
    return { ok: false, waitMs: Math.max(1, Math.ceil(wait - 1e-7)), blockedBy };
  }
  for (const d of DIMENSIONS) {
    state.levels[d] -= charge[d];
    state.inFlight[d] += charge[d];
    record(state.rings[d], now, now, charge[d]);
  }
  return { ok: true };
}

/** The permit's charge is no longer in flight. */
export function release(state: ClassState, charged: Amounts): void {
  for (const d of DIMENSIONS) state.inFlight[d] = Math.max(0, state.inFlight[d] - charged[d]);
}

/**
 * Charges `delta` more (negative: refunds) to a dimension, for a permit issued at `issuedAt`.
 * Refunds never lift a bucket above its capacity.
 */
export function adjust(state: ClassState, d: Dimension, delta: number, issuedAt: number, now: number, cfg: PacingConfig): void {
  if (delta === 0) return;
  state.levels[d] = Math.min(capacity(state, d, now, cfg), state.levels[d] - delta);
  record(state.rings[d], now, issuedAt, delta);
}
