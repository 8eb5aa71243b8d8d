/**
 * How close to its rate limit a model class (or one limit) runs: the one decision. The limiter's
 * snapshot, the processor's verdict, the CLI's progress, the panel's gauges and the status bar all
 * take their level from here, so no two of them can disagree about the same utilization.
 *
 * A level of use, not an alarm: a batch run pacing at its limit is working as intended.
 */
export type Health = 'healthy' | 'approaching' | 'throttled';
export const HEALTH_VALUES: readonly Health[] = ['healthy', 'approaching', 'throttled'];

/** The seeds' thresholds: healthy below 70 %, approaching 70–89 %, throttled from 90 %. */
export const APPROACHING_AT = 0.7;
export const THROTTLED_AT = 0.9;

/** The level of `utilization` (0..1); a class paused by a 429 is throttled whatever its utilization. */
export function healthOf(utilization: number, paused = false): Health {
  if (paused || utilization >= THROTTLED_AT) return 'throttled';
  if (utilization >= APPROACHING_AT) return 'approaching';
  return 'healthy';
}

const RANK: Record<Health, number> = { healthy: 0, approaching: 1, throttled: 2 };

/** The worst of several levels: a run is as constrained as its tightest limit. */
export function worstHealth(values: readonly Health[]): Health {
  return values.reduce<Health>((worst, h) => (RANK[h] > RANK[worst] ? h : worst), 'healthy');
}

const percent = (share: number) => Math.round(share * 100);

/** The thresholds of each level in words, e.g. `approaching (70–89%)`. */
export const HEALTH_RANGE: Readonly<Record<Health, string>> = {
  healthy: `<${percent(APPROACHING_AT)}%`,
  approaching: `${percent(APPROACHING_AT)}–${percent(THROTTLED_AT) - 1}%`,
  throttled: `≥${percent(THROTTLED_AT)}%`,
};
