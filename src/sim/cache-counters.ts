/** Prompt-cache counters of `/_sim/stats`: what was read and written, in tokens and in requests. */
export interface CacheCounters {
  /** Σ `cache_read_input_tokens`. */
  readTokens: number;
  /** Σ `cache_creation_input_tokens`, and its split by TTL. */
  writeTokens: number;
  write5mTokens: number;
  write1hTokens: number;
  /** Requests that read from the cache / that wrote to it. */
  reads: number;
  writes: number;
}

/** One response's cache usage. */
export interface CacheUse {
  readonly readTokens: number;
  readonly write5m: number;
  readonly write1h: number;
}

export function emptyCacheCounters(): CacheCounters {
  return { readTokens: 0, writeTokens: 0, write5mTokens: 0, write1hTokens: 0, reads: 0, writes: 0 };
}

export function addCacheUse(c: CacheCounters, u: CacheUse): void {
  c.readTokens += u.readTokens;
  c.write5mTokens += u.write5m;
  c.write1hTokens += u.write1h;
  c.writeTokens += u.write5m + u.write1h;
  if (u.readTokens > 0) c.reads++;
  if (u.write5m + u.write1h > 0) c.writes++;
}
