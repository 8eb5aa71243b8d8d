// The pace the rate limits the server has reported allow for a run's estimated work. The ETA
// starts from it (metrics.setExpectedRate) until there is enough of the run to measure; before
// any response reported a limit there is no pace to go by, and the ETA says so rather than
// guessing from a tier preset (a preset of 1,000 RPM promised ~4 s for a run that took 60 s at
// the 120 RPM the headers reported).
import { DIMENSIONS, type Dimension, type LimiterSnapshot, type Limits } from '../../limiter/types';

/** The estimated work of a run: totals over its conversations. */
export interface WorkDemand {
  readonly conversations: number;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

const PER_MINUTE: Readonly<Record<Dimension, keyof Limits>> = {
  requests: 'requestsPerMinute',
  inputTokens: 'inputTokensPerMinute',
  outputTokens: 'outputTokensPerMinute',
};

/**
 * Conversations a minute at the tightest learned limit; undefined when nothing is estimated or no
 * limiter has heard a limit from the server yet (a dimension counts as learned once the server
 * reported what remains of it).
 */
export function paceAtLearnedLimits(work: WorkDemand | undefined, limiters: readonly LimiterSnapshot[]): number | undefined {
  if (!work || work.conversations <= 0) return undefined;
  let pace: number | undefined;
  for (const l of limiters) {
    for (const d of DIMENSIONS) {
      if (l.dimensions[d].remaining === undefined) continue;
      const demand = work[d];
      const limit = l.limits[PER_MINUTE[d]];
      if (!(demand > 0 && limit > 0)) continue;
      const p = (limit / demand) * work.conversations;
      pace = pace === undefined ? p : Math.min(pace, p);
    }
  }
  return pace;
}
