import type { Dimension, Limits } from '../../limiter/types';
import type { TokenTotals } from './conversation-tokens';

export interface ClassDemand extends TokenTotals {
  modelClass: string;
  limits: Limits;
}

export interface WallTime {
  /** Lower bound set by the rate limits alone: latency and retries only add to it. */
  wallSeconds: number;
  bindingLimit: Dimension;
  bindingClass?: string;
  /** The per-minute limit of the binding dimension. */
  bindingRate?: number;
}

const PER_MINUTE: Readonly<Record<Dimension, keyof Limits>> = {
  requests: 'requestsPerMinute',
  inputTokens: 'inputTokensPerMinute',
  outputTokens: 'outputTokensPerMinute',
};

const ORDER: readonly Dimension[] = ['requests', 'inputTokens', 'outputTokens'];

/**
 * Each model class has its own buckets and they drain in parallel, so the run takes as long as
 * its slowest class, and a class as long as its slowest dimension.
 */
export function wallTime(classes: readonly ClassDemand[]): WallTime {
  let best: WallTime = { wallSeconds: 0, bindingLimit: 'requests' };
  for (const c of classes) {
    for (const dimension of ORDER) {
      const rate = c.limits[PER_MINUTE[dimension]];
      const seconds = (c[dimension] / rate) * 60;
      if (seconds > best.wallSeconds) {
        best = { wallSeconds: seconds, bindingLimit: dimension, bindingClass: c.modelClass, bindingRate: rate };
      }
    }
  }
  return best;
}

const NAMES: Readonly<Record<Dimension, [string, string]>> = {
  requests: ['requests', 'RPM'],
  inputTokens: ['input tokens', 'ITPM'],
  outputTokens: ['output tokens', 'OTPM'],
};

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `~${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 90 * 60) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
}

export function formatRate(perMinute: number): string {
  const trim = (n: number) => n.toFixed(1).replace(/\.0$/, '');
  if (perMinute >= 1_000_000) return `${trim(perMinute / 1_000_000)}M`;
  if (perMinute >= 10_000) return `${trim(perMinute / 1_000)}k`;
  return perMinute.toLocaleString('en-US');
}

/** "~12 min, bound by output tokens (400k OTPM)"; the class is named when there are several. */
export function explainWallTime(w: WallTime, classCount: number): string {
  if (w.wallSeconds === 0 || w.bindingRate === undefined) return 'nothing to generate';
  const [name, unit] = NAMES[w.bindingLimit];
  const where = classCount > 1 && w.bindingClass ? ` on ${w.bindingClass}` : '';
  return `${formatDuration(w.wallSeconds)}, bound by ${name} (${formatRate(w.bindingRate)} ${unit})${where}`;
}
