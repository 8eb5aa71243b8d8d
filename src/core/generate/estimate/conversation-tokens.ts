import type { ConversationSpec } from '../types';
import { TOKENS_PER_MESSAGE_OVERHEAD } from './approx-tokens';

/**
 * `single` answers with JSON: each message's text comes wrapped in `{"role":"…","content":"…"},`,
 * about ten tokens more than the text alone.
 */
export const JSON_TOKENS_PER_MESSAGE = 10;

export interface TokenTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Expected requests and tokens of one conversation, given its first request's input tokens.
 * `single` is one request writing every message. `turns` makes one request per message and resends
 * the growing transcript each time: user turns carry the user-simulator prompt (the first request),
 * assistant turns the dataset system prompt, scaled by `tokensPerChar`.
 */
export function conversationTokens(
  spec: ConversationSpec,
  firstInputTokens: number,
  tokensPerChar: number,
  tokensPerMessage: number,
): TokenTotals {
  if (spec.strategy === 'single') {
    return {
      requests: 1,
      inputTokens: firstInputTokens,
      outputTokens: Math.min(spec.maxTokens, spec.turns * (tokensPerMessage + JSON_TOKENS_PER_MESSAGE)),
    };
  }
  const message = Math.min(spec.maxTokens, tokensPerMessage);
  const assistantSystem = spec.output.systemPrompt ?? spec.system ?? '';
  const assistantBase = Math.round(assistantSystem.length * tokensPerChar);
  let inputTokens = 0;
  for (let k = 0; k < spec.turns; k++) {
    const base = k % 2 === 0 ? firstInputTokens : assistantBase;
    inputTokens += base + k * (message + TOKENS_PER_MESSAGE_OVERHEAD);
  }
  return { requests: spec.turns, inputTokens, outputTokens: spec.turns * message };
}
