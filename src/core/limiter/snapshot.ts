import { healthOf } from './health';
import { DIMENSIONS, type Dimension, type DimensionStatus, type LimiterSnapshot } from './types';
import { LIMIT_FIELD, type ClassState } from './class-state';
import { coveredSeconds, total } from './usage-ring';
import { factorAt } from './throttle';

/** How long the server's own view of a bucket is trusted for utilization. */
export const SERVER_VIEW_FRESH_MS = 5_000;

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * Utilization is what was consumed over the trailing minute divided by the allowance of the
 * span it covers (a run 20 s old at full pace reads ~100 %, not 33 %), or the server's own view (1 - remaining/limit) when that is fresh and higher: another
 * process on the same organization shows up only there.
 */
export function snapshotOf(modelClass: string, state: ClassState, now: number): LimiterSnapshot {
  const dimensions = {} as Record<Dimension, DimensionStatus>;
  let binding: Dimension = 'requests';
  let utilization = -1;
  for (const d of DIMENSIONS) {
    const limit = state.limits[LIMIT_FIELD[d]];
    const ring = state.rings[d];
    let u = total(ring, now) / ((limit * coveredSeconds(ring, now)) / 60);
    const sv = state.server[d];
    if (sv && sv.remaining !== undefined && now - sv.at <= SERVER_VIEW_FRESH_MS) {
      u = Math.max(u, 1 - sv.remaining / (sv.limit ?? limit));
    }
    u = clamp01(u);
    dimensions[d] = { limit, utilization: u, ...(sv?.remaining !== undefined ? { remaining: sv.remaining } : {}) };
    if (u > utilization) {
      utilization = u;
      binding = d;
    }
  }
  const paused = state.pausedUntil > now;
  const throttle = throttleOf(state);
  return {
    modelClass,
    limits: { ...state.limits },
    dimensions,
    utilization,
    binding,
    health: healthOf(utilization, paused),
    ...(paused ? { pausedUntil: state.pausedUntil } : {}),
    ...(throttle ? { throttle } : {}),
  };
}

/** What the limiter holds itself to below the limits, if anything (see LimiterSnapshot.throttle). */
function throttleOf(state: ClassState): LimiterSnapshot['throttle'] {
  if (state.assumed && state.heardAt === undefined) return { share: 0, reason: 'learning' };
  if (state.throttle) return { share: factorAt(state.throttle), reason: 'unexplained_429' };
  return undefined;
}
