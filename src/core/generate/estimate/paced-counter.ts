import type { ModelCaller } from '../../api/types';
import { sleep, type Clock } from '../../clock';
import { classify } from '../../errors';
import type { RateLimiter } from '../../limiter/types';
import { ZERO_USAGE } from '../../usage';

/** The one "model class" of the count_tokens limiter: its RPM limit covers every model. */
export const COUNT_TOKENS_CLASS = 'count_tokens';

/**
 * count_tokens through a limiter of its own (on the run's store, so every process sharing the API
 * key draws on one count_tokens budget): each call waits for a permit, and a 429 pauses the class
 * for everyone for its retry-after. Only retry-after is passed on, not the headers: those of a
 * count_tokens answer describe the Messages limits and would teach this limiter the wrong RPM.
 */
export function pacedCounter(
  caller: Pick<ModelCaller, 'countTokens'>,
  limiter: RateLimiter,
  clock: Clock,
): Pick<ModelCaller, 'countTokens'> {
  return {
    async countTokens(request) {
      for (;;) {
        const decision = await limiter.admit({ modelClass: COUNT_TOKENS_CLASS, inputTokens: 0, maxTokens: 1 });
        if (!decision.admitted) {
          await sleep(clock, decision.waitMs, request.signal);
          continue;
        }
        try {
          const n = await caller.countTokens(request);
          await limiter.settle(decision.permit, { outcome: 'completed', usage: ZERO_USAGE });
          return n;
        } catch (error) {
          const c = classify(error, request.signal);
          await limiter.settle(
            decision.permit,
            c.kind === 'rate_limited'
              ? { outcome: 'rate_limited', ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}) }
              : { outcome: 'failed' },
          );
          throw error;
        }
      }
    },
  };
}
