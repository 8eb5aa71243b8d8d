import { createHash } from 'node:crypto';
import { failure, type ApiFailure } from './api-failure';
import { MESSAGE_OVERHEAD_TOKENS, REQUEST_OVERHEAD_TOKENS, blockTokens, contentBlocks } from './tokens';

/**
 * A request body seen as the API's cache sees it: an ordered list of blocks (tools, system, messages),
 * each with the token count of the prefix ending there and a hash of that prefix. `cache_control` is
 * not part of the hash, so moving a breakpoint forward still matches what an earlier request wrote.
 */
export type CacheTtl = '5m' | '1h';

export interface PromptBlock {
  /** Tokens of the whole prompt up to and including this block. */
  readonly prefixTokens: number;
  /** sha256 over the model and every block up to and including this one. */
  readonly prefixHash: string;
  /** Set when this block carries `cache_control` (or is the automatic breakpoint). */
  readonly ttl?: CacheTtl;
}

export const MAX_BREAKPOINTS = 4;

const bad = (message: string): ApiFailure => failure(400, 'invalid_request_error', message);

function ttlOf(control: unknown, where: string): CacheTtl | ApiFailure | undefined {
  if (control === undefined || control === null) return undefined;
  const c = control as { type?: unknown; ttl?: unknown };
  if (typeof control !== 'object' || c.type !== 'ephemeral') return bad(`${where}.cache_control.type: Input should be 'ephemeral'`);
  if (c.ttl === undefined) return '5m';
  if (c.ttl !== '5m' && c.ttl !== '1h') return bad(`${where}.cache_control.ttl: Input should be '5m' or '1h'`);
  return c.ttl;
}

/**
 * The body's blocks in prefix order, or the 400 the API sends for a bad `cache_control` or more than
 * four breakpoints. A top-level `cache_control` marks the last block (automatic caching).
 */
export function promptBlocks(body: Record<string, unknown>): PromptBlock[] | ApiFailure {
  const out: { prefixTokens: number; prefixHash: string; ttl?: CacheTtl }[] = [];
  let tokens = REQUEST_OVERHEAD_TOKENS;
  let hash = createHash('sha256').update(String(body.model)).digest('hex');
  const push = (kind: string, text: string, extraTokens: number, control: unknown, where: string): ApiFailure | undefined => {
    const ttl = ttlOf(control, where);
    if (ttl !== undefined && typeof ttl !== 'string') return ttl;
    tokens += extraTokens + blockTokens(text);
    hash = createHash('sha256').update(hash).update(kind).update('\0').update(text).digest('hex');
    out.push({ prefixTokens: tokens, prefixHash: hash, ...(ttl ? { ttl } : {}) });
    return undefined;
  };
  if (body.tools !== undefined) {
    const problem = push('tools', JSON.stringify(body.tools), 0, undefined, 'tools');
    if (problem) return problem;
  }
  if (body.system !== undefined) {
    for (const [i, b] of contentBlocks(body.system).entries()) {
      const problem = push('system', b.text, 0, b.control, `system.${i}`);
      if (problem) return problem;
    }
  }
  if (Array.isArray(body.messages)) {
    for (const [m, message] of body.messages.entries()) {
      const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
      for (const [i, b] of contentBlocks(content).entries()) {
        // the role marker belongs to a message's first block, so a message boundary changes the hash
        const problem = push(
          i === 0 ? `msg:${String(role)}` : 'more',
          b.text,
          i === 0 ? MESSAGE_OVERHEAD_TOKENS : 0,
          b.control,
          `messages.${m}.content.${i}`,
        );
        if (problem) return problem;
      }
    }
  }
  const automatic = ttlOf(body.cache_control, 'cache_control');
  if (automatic !== undefined && typeof automatic !== 'string') return automatic;
  if (automatic && out.length > 0) out[out.length - 1]!.ttl ??= automatic;
  const breakpoints = out.filter((b) => b.ttl).length;
  if (breakpoints > MAX_BREAKPOINTS) {
    return bad(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
  }
  return out;
}
