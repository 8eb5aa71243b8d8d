// The panel's limit gauges and self-throttle from the limiters' snapshots.
import type { LimiterSnapshot } from '../../core/limiter/types';
import { healthOf } from '../../protocol/health';
import { LIMIT_DIMENSIONS, type LimitDimension, type LimitGauge, type SelfThrottle } from '../../protocol/messages';

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Per dimension, the model class closest to its limit (a run may use several classes). The limit
 * is shown once the server reported it: before that it is a tier preset, a guess.
 */
export function limitsOf(limiters: readonly LimiterSnapshot[]): Record<LimitDimension, LimitGauge> {
  const gauge = (d: LimitDimension): LimitGauge => {
    let best: { limit: number; utilization: number; learned: boolean } | undefined;
    for (const l of limiters) {
      const s = l.dimensions[d];
      if (!best || s.utilization > best.utilization)
        best = { limit: s.limit, utilization: s.utilization, learned: s.remaining !== undefined };
    }
    const utilization = clamp01(best?.utilization ?? 0);
    return { limit: best && best.learned && best.limit > 0 ? best.limit : null, utilization, health: healthOf(utilization) };
  };
  return { requests: gauge('requests'), inputTokens: gauge('inputTokens'), outputTokens: gauge('outputTokens') };
}

/** The model class Forge holds lowest below its limits, if any (learning counts as lowest). */
export function selfThrottleOf(limiters: readonly LimiterSnapshot[]): SelfThrottle | undefined {
  let low: SelfThrottle | undefined;
  for (const l of limiters) {
    if (l.throttle && (!low || l.throttle.share < low.share)) low = { share: clamp01(l.throttle.share), reason: l.throttle.reason };
  }
  return low;
}

export function emptyLimits(): Record<LimitDimension, LimitGauge> {
  const g = (): LimitGauge => ({ limit: null, utilization: 0, health: 'healthy' });
  return Object.fromEntries(LIMIT_DIMENSIONS.map((d) => [d, g()])) as Record<LimitDimension, LimitGauge>;
}
