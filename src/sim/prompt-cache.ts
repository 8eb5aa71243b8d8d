import type { CacheTtl, PromptBlock } from './prompt-blocks';

/**
 * The simulator's prompt cache, as API-FACTS describes the real one: entries keyed by the hash of
 * the prefix up to a breakpoint, written only when that prefix reaches the model's minimum, usable
 * only once the response that wrote them has begun, living `ttl` from the start of the request that
 * wrote or last read them. A read looks back at most 20 blocks from each breakpoint.
 */
export const LOOKBACK_BLOCKS = 20;
const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

interface Entry {
  tokens: number;
  ttl: CacheTtl;
  expiresAt: number;
  /** False until the writing response has begun. */
  ready: boolean;
}

/** What a request reads and writes; `commit` applies it once the request is admitted. */
export interface CachePlan {
  readonly readTokens: number;
  /** Tokens written, by TTL; their sum is `cache_creation_input_tokens`. */
  readonly write5m: number;
  readonly write1h: number;
  /** Prompt tokens after the cached and written parts: `input_tokens`. */
  readonly uncachedTokens: number;
  /** Entries this request writes (hashes), made usable by `ready`. */
  readonly writes: readonly string[];
  /** Entries this request reads or re-marks, refreshed from its start. */
  readonly touches: readonly string[];
}

export class PromptCache {
  private readonly entries = new Map<string, Entry>();

  private usable(hash: string, now: number): Entry | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(hash);
      return undefined;
    }
    return e.ready ? e : undefined;
  }

  /** What `blocks` would read and write now, changing nothing. */
  plan(blocks: readonly PromptBlock[], minTokens: number, now: number): CachePlan {
    const total = blocks.at(-1)?.prefixTokens ?? 0;
    let readTokens = 0;
    let readHash: string | undefined;
    const breakpoints = blocks.flatMap((b, i) => (b.ttl ? [i] : []));
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - LOOKBACK_BLOCKS); j--) {
        const block = blocks[j]!;
        if (block.prefixTokens <= readTokens) break;
        if (this.usable(block.prefixHash, now)) {
          readTokens = block.prefixTokens;
          readHash = block.prefixHash;
          break;
        }
      }
    }
    let covered = readTokens;
    let write5m = 0;
    let write1h = 0;
    const writes: string[] = [];
    const touches: string[] = readHash ? [readHash] : [];
    for (const bp of breakpoints) {
      const block = blocks[bp]!;
      if (block.prefixTokens < minTokens) continue;
      if (block.prefixTokens <= covered) {
        if (this.usable(block.prefixHash, now)) touches.push(block.prefixHash);
        continue;
      }
      const tokens = block.prefixTokens - covered;
      if (block.ttl === '1h') write1h += tokens;
      else write5m += tokens;
      covered = block.prefixTokens;
      writes.push(block.prefixHash);
    }
    return { readTokens, write5m, write1h, uncachedTokens: total - covered, writes, touches };
  }

  /** Applies an admitted request's plan at its start time. */
  commit(plan: CachePlan, blocks: readonly PromptBlock[], now: number): void {
    const byHash = new Map(blocks.map((b) => [b.prefixHash, b]));
    for (const hash of plan.touches) {
      const e = this.entries.get(hash);
      if (e) e.expiresAt = Math.max(e.expiresAt, now + TTL_MS[e.ttl]);
    }
    for (const hash of plan.writes) {
      const block = byHash.get(hash)!;
      const ttl = block.ttl ?? '5m';
      const existing = this.entries.get(hash);
      // A second writer of an entry still being written does not reset it: the first to begin wins.
      if (existing && existing.expiresAt > now) {
        existing.expiresAt = Math.max(existing.expiresAt, now + TTL_MS[ttl]);
        continue;
      }
      this.entries.set(hash, { tokens: block.prefixTokens, ttl, expiresAt: now + TTL_MS[ttl], ready: false });
    }
  }

  /** The writing response has begun: its entries can be read from now on. */
  ready(plan: CachePlan): void {
    for (const hash of plan.writes) {
      const e = this.entries.get(hash);
      if (e) e.ready = true;
    }
  }

  /** The writer went away before its response began: what it would have written does not exist. */
  abandon(plan: CachePlan): void {
    for (const hash of plan.writes) {
      const e = this.entries.get(hash);
      if (e && !e.ready) this.entries.delete(hash);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
