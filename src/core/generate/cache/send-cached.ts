import type { ChatMessage, ModelCaller, ModelRequest, ModelResponse } from '../../api/types';
import { sharedSystemBreak } from '../strategies/next-request';
import { nextRole } from '../strategies/turns';
import type { ConversationSpec } from '../types';
import { PrefixGate } from './prefix-gate';
import type { RunCache } from './run-cache';
import { TTL_MS } from './ttl-choice';

/** What a conversation's last request of each side left in the cache. */
export type CacheMemory = Partial<Record<ChatMessage['role'], { tokens: number; startedAt: number; ttlMs: number }>>;

/**
 * Sends one request of a conversation through the run's cache plan: a request whose system prefix
 * is shared with other conversations passes the prefix gate first (the first writes, the rest wait
 * for its response to begin and then read), and what the response cached is remembered.
 */
export async function sendCached(
  caller: ModelCaller,
  cache: RunCache,
  spec: ConversationSpec,
  data: { transcript: readonly ChatMessage[]; cached?: CacheMemory },
  request: ModelRequest,
  signal: AbortSignal,
  onHeaders?: ModelRequest['onHeaders'],
): Promise<ModelResponse> {
  const side = nextRole(spec.strategy === 'single' ? [] : data.transcript);
  const ttlMs = request.cache ? TTL_MS[request.cache.ttl] : 0;
  const previous = data.cached?.[side];
  if (previous) cache.observeGap(previous.startedAt, cache.clock.now());

  const at = request.system !== undefined ? sharedSystemBreak(spec, request) : undefined;
  const key = at === undefined ? undefined : PrefixGate.keyOf(request.model, request.system!.slice(0, at));
  const role = key
    ? await cache.gate.enter(key, ttlMs, signal, (gap) => {
        const now = cache.clock.now();
        cache.observeGap(now - gap, now);
      })
    : undefined;
  const startedAt = cache.clock.now();
  const onResponseBegin = role === 'write' && key ? () => cache.gate.begun(key, startedAt, ttlMs) : undefined;
  let response: ModelResponse;
  try {
    response = await caller.send({
      ...request,
      signal,
      ...(onHeaders ? { onHeaders } : {}),
      ...(onResponseBegin ? { onResponseBegin } : {}),
    });
  } catch (err) {
    if (role === 'write' && key) cache.gate.failed(key);
    throw err;
  }
  // a caller that cannot report the start of a response reports it here, at the latest
  onResponseBegin?.();
  cache.outlook.observeLatency(cache.clock.now() - startedAt);
  const u = response.usage;
  const tokens = u.cacheReadInputTokens + u.cacheCreationInputTokens;
  if (request.cache && tokens > 0) data.cached = { ...data.cached, [side]: { tokens, startedAt, ttlMs } };
  return response;
}

/** Tokens the next request of `side` should read from the cache: what that side cached, while it lives. */
export function predictedRead(memory: CacheMemory | undefined, side: ChatMessage['role'], now: number): number {
  const m = memory?.[side];
  return m && now - m.startedAt < m.ttlMs ? m.tokens : 0;
}
