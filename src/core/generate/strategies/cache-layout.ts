import type { CacheTtl, ModelRequest } from '../../api/types';
import { approxPromptTokens, CHARS_PER_TOKEN } from '../estimate/approx-tokens';

/** How one request may use the prompt cache: its TTL and the model's shortest cacheable prefix. */
export interface CacheSettings {
  readonly ttl: CacheTtl;
  readonly minTokens: number;
}

/** Request framing before the first block, as approx-tokens counts it. */
const FRAMING_TOKENS = 3;

/**
 * Adds the breakpoints a strategy asks for to `request`, keeping only those whose prefix is long
 * enough to be cached (a shorter one would be ignored by the API anyway). Without settings (cache
 * off) the request goes out without any. The text is never changed.
 */
export function withBreakpoints(
  request: ModelRequest,
  settings: CacheSettings | undefined,
  systemBreaks: readonly number[],
  lastMessageCut?: number,
): ModelRequest {
  if (!settings) return request;
  const long = (tokens: number) => tokens >= settings.minTokens;
  const breaks = systemBreaks.filter((at) => at > 0 && long(FRAMING_TOKENS + Math.ceil(at / CHARS_PER_TOKEN)));
  const last = request.messages.at(-1);
  const cut =
    lastMessageCut !== undefined &&
    last &&
    lastMessageCut > 0 &&
    long(approxPromptTokens(request) - Math.ceil((last.content.length - lastMessageCut) / CHARS_PER_TOKEN))
      ? lastMessageCut
      : undefined;
  if (breaks.length === 0 && cut === undefined) return request;
  return { ...request, cache: { ttl: settings.ttl, systemBreaks: breaks, ...(cut !== undefined ? { lastMessageCut: cut } : {}) } };
}

/** Approximate tokens of the prompt up to `systemOffset` characters of the system prompt. */
export function approxSystemPrefixTokens(systemOffset: number): number {
  return FRAMING_TOKENS + Math.ceil(systemOffset / CHARS_PER_TOKEN);
}
