// The limits the API reported in the current or last run, per model class, for estimates made
// afterwards: Estimate Cost promised "~4 s (1,000 RPM)" from a tier preset for a file the headers
// had already put at 120 RPM (a 60 s run). Only dimensions the server reported count.
import type { RunSnapshot } from '../../core/generate/run/run-types';
import { DIMENSIONS, type Dimension, type Limits } from '../../core/limiter/types';

const FIELD: Readonly<Record<Dimension, keyof Limits>> = {
  requests: 'requestsPerMinute',
  inputTokens: 'inputTokensPerMinute',
  outputTokens: 'outputTokensPerMinute',
};

export type LearnedLimits = (modelClass: string) => Partial<Limits>;

export function learnedLimitsOf(snapshot: RunSnapshot | undefined): LearnedLimits {
  const byClass = new Map<string, Partial<Limits>>();
  for (const l of snapshot?.limiters ?? []) {
    const learned: Partial<Limits> = {};
    for (const d of DIMENSIONS) {
      if (l.dimensions[d].remaining !== undefined && l.limits[FIELD[d]] > 0) learned[FIELD[d]] = l.limits[FIELD[d]];
    }
    if (Object.keys(learned).length > 0) byClass.set(l.modelClass, learned);
  }
  return (modelClass) => byClass.get(modelClass) ?? {};
}
