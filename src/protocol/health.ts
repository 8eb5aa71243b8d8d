import type { Health } from './messages';

// The seed UI's thresholds, kept beside the protocol so the host and any test derive
// the same health from the same utilization.
export const APPROACHING_AT = 0.7;
export const THROTTLED_AT = 0.9;

export function healthOf(utilization: number): Health {
  if (utilization >= THROTTLED_AT) return 'throttled';
  if (utilization >= APPROACHING_AT) return 'approaching';
  return 'healthy';
}

const RANK: Record<Health, number> = { healthy: 0, approaching: 1, throttled: 2 };

/** The worst of several healths: the run is as constrained as its tightest dimension. */
export function worstHealth(values: readonly Health[]): Health {
  return values.reduce<Health>((worst, h) => (RANK[h] > RANK[worst] ? h : worst), 'healthy');
}
