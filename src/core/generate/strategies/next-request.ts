import type { ChatMessage, ModelRequest } from '../../api/types';
import type { RequestEstimate } from '../../queue/types';
import { approxPromptTokens, DEFAULT_TOKENS_PER_MESSAGE } from '../estimate/approx-tokens';
import type { ConversationSpec } from '../types';
import { approxSystemPrefixTokens, type CacheSettings } from './cache-layout';
import { buildSingleRequest } from './single';
import { buildTurnRequest } from './turns';

/** The request a conversation needs next, given the messages accepted so far. */
export function nextRequest(spec: ConversationSpec, transcript: readonly ChatMessage[], cache?: CacheSettings): ModelRequest {
  return spec.strategy === 'single' ? buildSingleRequest(spec, cache) : buildTurnRequest(spec, transcript, cache);
}

/** Messages one request of this strategy is expected to write. */
export function messagesPerRequest(spec: ConversationSpec): number {
  return spec.strategy === 'single' ? spec.turns : 1;
}

/**
 * What the next request will cost, for the limiter and the budget guard. `inputTokens` is the
 * counted figure when the caller has one (count_tokens); otherwise it is estimated locally.
 * `cachedTokens` is the part predicted to be read from the prompt cache: it is left out, because
 * cache reads do not count against ITPM (the limiter reconciles with the real usage).
 */
export function estimateRequest(
  spec: ConversationSpec,
  transcript: readonly ChatMessage[],
  inputTokens?: number,
  tokensPerMessage = DEFAULT_TOKENS_PER_MESSAGE,
  cachedTokens = 0,
  cache?: CacheSettings,
): RequestEstimate {
  const request = nextRequest(spec, transcript, cache);
  const total = inputTokens ?? approxPromptTokens(request);
  const read = Math.min(cachedTokens, total);
  return {
    inputTokens: Math.max(1, total - read),
    ...(request.cache ? { cache: { readTokens: read, ttl: request.cache.ttl } } : {}),
    maxTokens: spec.maxTokens,
    expectedOutputTokens: Math.min(spec.maxTokens, messagesPerRequest(spec) * tokensPerMessage),
    // `turns` makes one request per message still to write; the queue finishes the longest chains first.
    stepsLeft: spec.strategy === 'single' ? 1 : Math.max(1, spec.turns - transcript.length),
  };
}

/**
 * The first request's estimate, for enqueuing a conversation's job. With caching on, a prefix the
 * conversations of a file share is predicted to be read (only the first of them writes it).
 */
export function initialEstimate(spec: ConversationSpec, inputTokens?: number, cache?: CacheSettings): RequestEstimate {
  return estimateRequest(spec, [], inputTokens, DEFAULT_TOKENS_PER_MESSAGE, sharedPrefixTokens(spec, nextRequest(spec, [], cache)), cache);
}

/** Approximate tokens of the system prefix a request shares with other conversations (0: none). */
export function sharedPrefixTokens(spec: ConversationSpec, request: ModelRequest): number {
  const at = sharedSystemBreak(spec, request);
  return at === undefined ? 0 : approxSystemPrefixTokens(at);
}

/** Where the shared system prefix of a request ends, when it has one that is marked for caching. */
export function sharedSystemBreak(spec: ConversationSpec, request: ModelRequest): number | undefined {
  const at = request.cache?.systemBreaks[0];
  if (at === undefined) return undefined;
  // turns' user side shares only the part before the scenario; it is shared only without variables
  return spec.systemVaries ? undefined : at;
}
