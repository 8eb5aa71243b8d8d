import type { HeaderSource } from '../errors';
import type { Dimension } from './types';

/** What one response's headers say about one bucket. Each field is present only when sent and valid. */
export interface ServerBucket {
  readonly limit?: number;
  readonly remaining?: number;
  /** When the server's bucket is full again (epoch ms). */
  readonly resetAt?: number;
}

export interface RateLimitHeaders {
  readonly requests?: ServerBucket;
  readonly inputTokens?: ServerBucket;
  readonly outputTokens?: ServerBucket;
  /** `anthropic-ratelimit-tokens-*`: the most restrictive token limit in effect. */
  readonly tokens?: ServerBucket;
  /** From `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
  readonly retryAfterMs?: number;
  /** Epoch ms at which these headers were read. */
  readonly at: number;
}

const PREFIXES: Readonly<Record<Dimension | 'tokens', string>> = {
  requests: 'anthropic-ratelimit-requests',
  inputTokens: 'anthropic-ratelimit-input-tokens',
  outputTokens: 'anthropic-ratelimit-output-tokens',
  tokens: 'anthropic-ratelimit-tokens',
};

/** Token `remaining` is rounded to the nearest thousand, so it may be off by this much either way. */
export const TOKEN_REMAINING_ROUNDING = 500;

function count(raw: string | null): number | undefined {
  if (raw == null || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function bucket(headers: HeaderSource, prefix: string): ServerBucket | undefined {
  const limit = count(headers.get(`${prefix}-limit`));
  const remaining = count(headers.get(`${prefix}-remaining`));
  const rawReset = headers.get(`${prefix}-reset`);
  const reset = rawReset ? Date.parse(rawReset) : Number.NaN;
  if (limit === undefined && remaining === undefined && !Number.isFinite(reset)) return undefined;
  return {
    // A zero limit would mean "never send" and is more likely a proxy's artefact than the truth.
    ...(limit !== undefined && limit > 0 ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(Number.isFinite(reset) ? { resetAt: reset } : {}),
  };
}

function retryAfter(headers: HeaderSource, now: number): number | undefined {
  const ms = count(headers.get('retry-after-ms'));
  if (ms !== undefined) return ms;
  const raw = headers.get('retry-after');
  if (raw == null || raw.trim() === '') return undefined;
  const seconds = count(raw);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Reads the `anthropic-ratelimit-*` and `retry-after` headers of one response. Pure: `now` is
 * only used to turn an HTTP-date `retry-after` into a delay and to stamp the reading.
 */
export function parseRateLimitHeaders(headers: HeaderSource, now: number): RateLimitHeaders {
  const out: { -readonly [K in keyof RateLimitHeaders]: RateLimitHeaders[K] } = { at: now };
  for (const key of ['requests', 'inputTokens', 'outputTokens', 'tokens'] as const) {
    const b = bucket(headers, PREFIXES[key]);
    if (b) out[key] = b;
  }
  const ra = retryAfter(headers, now);
  if (ra !== undefined) out.retryAfterMs = ra;
  return out;
}
