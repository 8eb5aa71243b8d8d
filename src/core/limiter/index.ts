export * from './types';
export { createRateLimiter, validateLimits, type RateLimiterOptions } from './rate-limiter';
export { parseRateLimitHeaders, TOKEN_REMAINING_ROUNDING, type RateLimitHeaders, type ServerBucket } from './headers';
export { type LimiterStore, type StoreUpdate, type StoreScope, type UpdateFn } from './store';
export { MemoryStore } from './stores/memory-store';
