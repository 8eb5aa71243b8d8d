import type { ModelCaller, TokenCountRequest } from '../../api/types';
import { sleep, type Clock } from '../../clock';
import { classify } from '../../errors';

export interface CountRetryOptions {
  clock: Clock;
  /** Tries per request before giving up on counting it. */
  attempts?: number;
  signal?: AbortSignal;
}

/**
 * count_tokens has its own, small, RPM limit: a sample of 20 sent back to back can draw a 429.
 * Waits out retry-after (or backs off on 5xx/network errors) and tries again; returns undefined
 * when counting is not possible right now, so the estimate can fall back to an approximation.
 * Errors that no wait can fix (bad key, bad request) are rethrown.
 */
export async function countWithRetry(
  caller: Pick<ModelCaller, 'countTokens'>,
  request: TokenCountRequest,
  options: CountRetryOptions,
): Promise<number | undefined> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await caller.countTokens(request);
    } catch (error) {
      const c = classify(error, options.signal);
      if (c.action === 'cancel' || c.action === 'stop_run' || c.action === 'fail_job') throw error;
      if (attempt >= attempts) return undefined;
      const waitMs = c.retryAfterMs ?? Math.min(8000, 500 * 2 ** (attempt - 1));
      await sleep(options.clock, waitMs, options.signal);
    }
  }
}
