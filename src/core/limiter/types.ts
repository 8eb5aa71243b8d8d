import type { HeaderSource } from '../errors';
import type { Usage } from '../usage';
import type { Health } from './health';

/**
 * The contract between the rate limiter and its callers (the queue processor, the UI).
 * Everything is async so that a store shared across processes can sit behind it later
 * without changing a caller.
 */
export type Dimension = 'requests' | 'inputTokens' | 'outputTokens';
export const DIMENSIONS: readonly Dimension[] = ['requests', 'inputTokens', 'outputTokens'];

export interface Limits {
  requestsPerMinute: number;
  inputTokensPerMinute: number;
  outputTokensPerMinute: number;
}

/** Reserve `max_tokens` of output up front, or charge only what was actually generated. */
export type OutputAccounting = 'reserve' | 'actual';

/** What the next request is expected to consume. */
export interface Demand {
  modelClass: string;
  /** Estimated input tokens (counted before dispatch, reconciled on settle). */
  inputTokens: number;
  maxTokens: number;
  /** Expected output tokens, used for pacing under 'actual' accounting. */
  expectedOutputTokens?: number;
}

export interface Permit {
  readonly id: number;
  readonly modelClass: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly issuedAt: number;
}

export type AdmitDecision =
  | { readonly admitted: true; readonly permit: Permit }
  | { readonly admitted: false; readonly waitMs: number; readonly blockedBy: BlockedBy };

/**
 * Why an admit was refused: a bucket, a 429's pause, a guessed class whose probe is still out
 * (`learning`), or the shared store being out of reach (nothing is sent unmetered; the caller
 * asks again after waitMs).
 */
export type BlockedBy = Dimension | 'pause' | 'learning' | 'store';

/** How a permitted request ended, so the limiter can reconcile its estimate with the truth. */
export type Settlement =
  | { readonly outcome: 'completed'; readonly usage: Usage; readonly headers?: HeaderSource }
  | { readonly outcome: 'rate_limited'; readonly headers?: HeaderSource; readonly retryAfterMs?: number }
  | {
      readonly outcome: 'failed';
      readonly headers?: HeaderSource;
      readonly usage?: Usage;
      /**
       * The server answered with a 5xx/529 status instead of an answer: it refused the request
       * before any content, so no tokens were processed. Only the request stays charged.
       */
      readonly rejected?: boolean;
    }
  | { readonly outcome: 'not_sent' };

export type { Health } from './health';

export interface DimensionStatus {
  readonly limit: number;
  /** Share of the per-minute limit in use, 0..1. */
  readonly utilization: number;
  /** The server's last word on what remains, when known. */
  readonly remaining?: number;
}

export interface LimiterSnapshot {
  readonly modelClass: string;
  readonly limits: Limits;
  readonly dimensions: Readonly<Record<Dimension, DimensionStatus>>;
  /** The highest utilization of the three. */
  readonly utilization: number;
  /** The dimension closest to its limit. */
  readonly binding: Dimension;
  readonly health: Health;
  /** Set while a 429 keeps this model class paused. */
  readonly pausedUntil?: number;
  /**
   * Set while the limiter holds this class below its limits on its own account, and why:
   * `learning` — the limits are a guess and only a probe is out until the first headers arrive;
   * `unexplained_429` — a 429 the headers did not explain cut the rate to `share` of the limit,
   * which rises back to 1 as answers come back.
   */
  readonly throttle?: { readonly share: number; readonly reason: ThrottleReason };
  /** Present when the budget is shared with other processes (then utilization is everyone's). */
  readonly sharing?: SharingStatus;
}

export interface SharingStatus {
  /** `local`: this user's processes on this machine (a state file); `redis`: across machines. */
  readonly scope: 'local' | 'redis';
  /** Processes (this one included) that used the budget recently (within 30 s). */
  readonly processes: number;
  /** False while the store cannot be reached: nothing is admitted meanwhile, the run waits. */
  readonly reachable: boolean;
  /** Since when (epoch ms) the store has been out of reach. */
  readonly unreachableSince?: number;
  /** Why, in one line (never a credential). */
  readonly problem?: string;
}

export type ThrottleReason = 'learning' | 'unexplained_429';

export interface RateLimiter {
  /** Admits the demand now (and reserves it), or says how long to wait and why. */
  admit(demand: Demand): Promise<AdmitDecision>;
  /**
   * Admits demands of one model class in order, in one update of the store, as `admit` would one
   * after another at the same instant: the decisions, up to and including the first refusal. Only
   * limiters whose updates cost a round trip offer it (a shared store's lock and file, Redis).
   */
  admitMany?(demands: readonly Demand[]): Promise<AdmitDecision[]>;
  settle(permit: Permit, settlement: Settlement): Promise<void>;
  /**
   * The response to `permit` has started (a streamed response sends its headers before the body):
   * learn from its rate-limit headers now rather than when it ends. At most once per permit; the
   * settlement then does not apply the same headers again.
   */
  observe?(permit: Permit, headers: HeaderSource): Promise<void>;
  snapshot(modelClass: string): Promise<LimiterSnapshot>;
  /** Replace configured limits (headers keep correcting them). */
  setLimits(modelClass: string, limits: Limits): Promise<void>;
}
