export * from './types';
export { createRateLimiter, validateLimits, type RateLimiterOptions } from './rate-limiter';
export { parseRateLimitHeaders, TOKEN_REMAINING_ROUNDING, type RateLimitHeaders, type ServerBucket } from './headers';
export { MemoryStore, type LimiterStore, type StoreUpdate } from './store';
