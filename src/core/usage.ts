/** Token usage of one API response, as the Messages API reports it. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /**
   * The part of `cacheCreationInputTokens` written with the 1-hour TTL (the rest is 5-minute).
   * Absent on usage recorded before the split was kept: all of it then counts as 5-minute.
   */
  cacheCreation1hInputTokens?: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  const hour = (a.cacheCreation1hInputTokens ?? 0) + (b.cacheCreation1hInputTokens ?? 0);
  return {
    ...(hour > 0 ? { cacheCreation1hInputTokens: hour } : {}),
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}

/** Input tokens that count against ITPM: cache reads do not. */
export function rateLimitedInputTokens(u: Usage): number {
  return u.inputTokens + u.cacheCreationInputTokens;
}

/** All input of a response: new, written to the cache and read from it. */
export function totalInputTokens(u: Usage): number {
  return u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
}

/** The same input as if nothing had been cached: what caching is measured against. */
export function uncachedEquivalent(u: Usage): Usage {
  return { inputTokens: totalInputTokens(u), outputTokens: u.outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

/** Share of all input read from the cache, 0..1 (0 with no input). */
export function cacheReadShare(u: Usage): number {
  const total = totalInputTokens(u);
  return total === 0 ? 0 : u.cacheReadInputTokens / total;
}
