import { expectFunction, expectInteger } from '../validate';

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Ceiling of the delay, before jitter. */
  maxMs: number;
  /** Returns a number in [0, 1); injected so tests are deterministic. */
  jitter: () => number;
}

export function validateBackoff(options: BackoffOptions): BackoffOptions {
  expectInteger('backoff.baseMs', options.baseMs, 1);
  expectInteger('backoff.maxMs', options.maxMs, options.baseMs);
  expectFunction('backoff.jitter', options.jitter);
  return options;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed so retries never bunch at
 * zero, half is random so a burst of failures does not come back as a synchronized burst.
 * `failures` is 1 for the first retry.
 */
export function backoffDelay(options: BackoffOptions, failures: number): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  const r = Math.min(Math.max(options.jitter(), 0), 1);
  return Math.round(exp / 2 + (exp / 2) * r);
}
