import { approxSystemPrefixTokens } from '../strategies/cache-layout';
import { singleSystem, turnNote, userSimulatorSystemParts } from '../strategies/prompts';
import type { ConversationSpec } from '../types';
import { TOKENS_PER_MESSAGE_OVERHEAD } from './approx-tokens';
import { conversationTokens, type TokenTotals } from './conversation-tokens';

/** A conversation's expected input split the way the API bills it. */
export interface CachedTokenTotals extends TokenTotals {
  /** `inputTokens` is all input; these parts of it are written to / read from the cache. */
  cacheCreationInputTokens: number;
  cacheCreation1hInputTokens: number;
  cacheReadInputTokens: number;
}

export interface CachePrediction {
  /** The model's shortest cacheable prefix. */
  minTokens: number;
  ttl: '5m' | '1h';
  /** An earlier conversation of the same file has already written the shared system prefix. */
  sharedWarm: boolean;
}

/**
 * What one conversation's requests read from and write to the prompt cache, mirroring what the
 * strategies mark (cache-layout.ts): `single` shares its system prompt between conversations;
 * `turns` marks each side's last message, so a side's request reads everything its previous request
 * sent, and the first request of a side reads the system prefix the file's conversations share.
 * Without a prediction (cache off) nothing is cached.
 */
export function cachedConversationTokens(
  spec: ConversationSpec,
  firstInputTokens: number,
  tokensPerChar: number,
  tokensPerMessage: number,
  cache: CachePrediction | undefined,
): CachedTokenTotals {
  const plain = conversationTokens(spec, firstInputTokens, tokensPerChar, tokensPerMessage);
  const none = { ...plain, cacheCreationInputTokens: 0, cacheCreation1hInputTokens: 0, cacheReadInputTokens: 0 };
  if (!cache) return none;
  const scaled = (chars: number) => Math.round(approxSystemPrefixTokens(chars) * tokensPerChar * 4);
  const cacheable = (tokens: number) => tokens >= cache.minTokens;
  let write = 0;
  let read = 0;

  if (spec.strategy === 'single') {
    const shared = spec.systemVaries ? 0 : scaled(singleSystem(spec).length);
    if (!cacheable(shared)) return none;
    if (cache.sharedWarm) read = shared;
    else write = shared;
  } else {
    const message = Math.min(spec.maxTokens, tokensPerMessage);
    const assistantSystem = spec.output.systemPrompt ?? spec.system ?? '';
    const sharedOf = [
      spec.systemVaries ? 0 : scaled(userSimulatorSystemParts(spec)[0].length),
      spec.systemVaries && !spec.output.systemPrompt ? 0 : scaled(assistantSystem.length),
    ];
    const note = Math.round(turnNote(spec.turns, spec.turns).length * tokensPerChar);
    const cachedBySide: number[] = [0, 0];
    for (let k = 0; k < spec.turns; k++) {
      const side = k % 2;
      const base = side === 0 ? firstInputTokens : Math.round(assistantSystem.length * tokensPerChar);
      const total = base + k * (message + TOKENS_PER_MESSAGE_OVERHEAD);
      // the user side's turn note follows the breakpoint: it is never cached
      const marked = side === 0 && k > 0 ? total - note : total;
      const shared = cache.sharedWarm && cacheable(sharedOf[side]!) ? sharedOf[side]! : 0;
      const r = Math.min(Math.max(cachedBySide[side]!, shared), marked);
      read += r;
      if (cacheable(marked)) {
        write += marked - r;
        cachedBySide[side] = marked;
      }
    }
  }
  return {
    ...plain,
    cacheCreationInputTokens: write,
    cacheCreation1hInputTokens: cache.ttl === '1h' ? write : 0,
    cacheReadInputTokens: read,
  };
}
