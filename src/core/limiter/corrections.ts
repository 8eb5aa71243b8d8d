import { DIMENSIONS, type Dimension } from './types';
import { LIMIT_FIELD, type Amounts, type ClassState, type PacingConfig, capacity } from './class-state';
import { TOKEN_REMAINING_ROUNDING, type RateLimitHeaders } from './headers';
import { tighten } from './throttle';
import { record } from './usage-ring';

/** How the limiter reacts when the server contradicts it. */
export interface CorrectionConfig extends PacingConfig {
  /** Pause after a 429 that carries neither retry-after nor a usable reset. */
  readonly defaultPauseMs: number;
  /** Each unexplained 429 multiplies the local rate by this... */
  readonly shrink: number;
  /** ...but never below this share... */
  readonly minFactor: number;
  /** ...and successes over about this long at the throttled rate bring it back to full (throttle.ts). */
  readonly recoveryMs: number;
}

function tolerance(d: Dimension): number {
  return d === 'requests' ? 0 : TOKEN_REMAINING_ROUNDING;
}

/**
 * Learns from a response's headers: adopts the server's limit when it differs (limits can drop
 * mid-run and only the headers say so), and lowers a bucket when the server sees less room
 * than we do. The server has not yet seen what is still in flight, so that is added to our
 * side of the comparison rather than counted twice; token counts get the rounding's benefit.
 * A higher limit (a tier above the one assumed) raises the bucket by the capacity it gained: the
 * server's own short bucket was that much larger all along, so the room is there at once.
 */
export function applyHeaders(state: ClassState, info: RateLimitHeaders, now: number, cfg: PacingConfig): void {
  for (const d of DIMENSIONS) {
    const sb = info[d];
    if (!sb) continue;
    state.server[d] = { ...sb, at: info.at };
    if (sb.limit !== undefined && sb.limit !== state.limits[LIMIT_FIELD[d]]) {
      const before = capacity(state, d, now, cfg);
      state.limits[LIMIT_FIELD[d]] = sb.limit;
      const after = capacity(state, d, now, cfg);
      state.levels[d] = after > before ? state.levels[d] + (after - before) : Math.min(state.levels[d], after);
    }
    if (sb.remaining !== undefined) {
      const ceiling = sb.remaining + tolerance(d) - state.inFlight[d];
      if (state.levels[d] > ceiling) state.levels[d] = ceiling;
    }
  }
}

/** The dimensions the server reports exhausted (empty when it does not say). */
export function exhausted(info: RateLimitHeaders | undefined, charged: Amounts): Dimension[] {
  if (!info) return [];
  return DIMENSIONS.filter((d) => {
    const remaining = info[d]?.remaining;
    if (remaining === undefined) return false;
    return remaining <= tolerance(d) || remaining < charged[d];
  });
}

/** The dimensions a 429 blames: those the server reports exhausted, or all when it does not say. */
export function offending(info: RateLimitHeaders | undefined, charged: Amounts): Dimension[] {
  const blamed = exhausted(info, charged);
  return blamed.length > 0 ? blamed : [...DIMENSIONS];
}

/**
 * A 429 means our model of the server was wrong: empty the blamed buckets and pause the class
 * until retry-after (else the blamed buckets' reset). When the headers explain it (learning.ts:
 * `explains`), they have already corrected the model and that is all; otherwise the local rate
 * is also throttled until successes prove room again (throttle.ts), once per episode.
 */
export function applyRateLimited(
  state: ClassState,
  info: RateLimitHeaders | undefined,
  retryAfterMs: number | undefined,
  charged: Amounts,
  now: number,
  cfg: CorrectionConfig,
  explained: boolean,
): void {
  const blamed = offending(info, charged);
  for (const d of blamed) state.levels[d] = Math.min(state.levels[d], 0);
  // The server did not count a refused request, so utilization must not either (its bucket charge
  // stays: the level is what paces, and it was wrong).
  record(state.rings.requests, now, now, -1);
  let pauseMs = retryAfterMs ?? info?.retryAfterMs;
  if (pauseMs === undefined) {
    const resets = blamed.map((d) => info?.[d]?.resetAt).filter((r): r is number => r !== undefined);
    pauseMs = resets.length > 0 ? Math.max(...resets) - now : cfg.defaultPauseMs;
  }
  // A 429 that comes back while the class is already paused belongs to the burst that drew the
  // first: it was in flight when the pause began (nothing is admitted during one). Like TCP's one
  // window cut per loss episode, the episode tightens once; counting each of its 429s cut the rate
  // to 0.85⁵ after one stall of the event loop, and with 3 s answers the successes that lift a
  // throttle took seven seconds to come back.
  const sameEpisode = state.pausedUntil > now;
  const until = now + Math.max(0, pauseMs);
  state.pausedUntil = Math.max(state.pausedUntil, until);
  if (explained || sameEpisode) return;
  state.throttle = tighten(state.throttle, state.pausedUntil, state.limits.requestsPerMinute, cfg);
}
