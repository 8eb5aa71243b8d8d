import { DIMENSIONS, type Dimension } from './types';
import { LIMIT_FIELD, type Amounts, type ClassState, type PacingConfig, capacity } from './class-state';
import { TOKEN_REMAINING_ROUNDING, type RateLimitHeaders } from './headers';
import { tighten } from './throttle';

/** How the limiter reacts when the server contradicts it. */
export interface CorrectionConfig extends PacingConfig {
  /** Pause after a 429 that carries neither retry-after nor a usable reset. */
  readonly defaultPauseMs: number;
  /** Each 429 multiplies the local rate by this... */
  readonly shrink: number;
  /** ...but never below this share... */
  readonly minFactor: number;
  /** ...and the rate climbs back to full over this long once the pause ends. */
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
 */
export function applyHeaders(state: ClassState, info: RateLimitHeaders, now: number, cfg: PacingConfig): void {
  for (const d of DIMENSIONS) {
    const sb = info[d];
    if (!sb) continue;
    state.server[d] = { ...sb, at: info.at };
    if (sb.limit !== undefined && sb.limit !== state.limits[LIMIT_FIELD[d]]) {
      state.limits[LIMIT_FIELD[d]] = sb.limit;
      state.levels[d] = Math.min(state.levels[d], capacity(state, d, now, cfg));
    }
    if (sb.remaining !== undefined) {
      const ceiling = sb.remaining + tolerance(d) - state.inFlight[d];
      if (state.levels[d] > ceiling) state.levels[d] = ceiling;
    }
  }
}

/** The dimensions a 429 blames: those the server reports exhausted, or all when it does not say. */
export function offending(info: RateLimitHeaders | undefined, charged: Amounts): Dimension[] {
  if (!info) return [...DIMENSIONS];
  const blamed = DIMENSIONS.filter((d) => {
    const remaining = info[d]?.remaining;
    if (remaining === undefined) return false;
    return remaining <= tolerance(d) || remaining < charged[d];
  });
  return blamed.length > 0 ? blamed : [...DIMENSIONS];
}

/**
 * A 429 means our model of the server was wrong: empty the blamed buckets, pause the class
 * until retry-after (else the blamed buckets' reset), and run slower for a while after.
 */
export function applyRateLimited(
  state: ClassState,
  info: RateLimitHeaders | undefined,
  retryAfterMs: number | undefined,
  charged: Amounts,
  now: number,
  cfg: CorrectionConfig,
): void {
  const blamed = offending(info, charged);
  for (const d of blamed) state.levels[d] = Math.min(state.levels[d], 0);
  let pauseMs = retryAfterMs ?? info?.retryAfterMs;
  if (pauseMs === undefined) {
    const resets = blamed.map((d) => info?.[d]?.resetAt).filter((r): r is number => r !== undefined);
    pauseMs = resets.length > 0 ? Math.max(...resets) - now : cfg.defaultPauseMs;
  }
  const until = now + Math.max(0, pauseMs);
  state.pausedUntil = Math.max(state.pausedUntil, until);
  state.throttle = tighten(state.throttle, now, state.pausedUntil, cfg.recoveryMs, cfg.shrink, cfg.minFactor);
}
