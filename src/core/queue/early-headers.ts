import type { HeaderSource } from '../errors';
import type { Permit, RateLimiter } from '../limiter/types';

/**
 * The StepContext.onHeaders of one dispatch: hands a streamed response's headers to the limiter as
 * soon as they arrive, then wakes dispatch, since what they taught (a probe answered, a higher
 * limit, the first accepted request) may let the next job go before any timer would. Never throws:
 * it runs inside the API call.
 */
export function headersListener(limiter: RateLimiter, permit: Permit, wake: () => void): (headers: HeaderSource) => void {
  return (headers) => {
    if (!limiter.observe) return wake();
    limiter.observe(permit, headers).then(wake, () => undefined);
  };
}
