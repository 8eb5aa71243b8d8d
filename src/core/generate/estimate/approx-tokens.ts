import type { ChatMessage } from '../../api/types';

/**
 * Local token estimates, for pacing the next request without a count_tokens round trip.
 * Four characters per token is the usual rule of thumb for English; the limiter reconciles
 * every estimate with the usage the response reports, so rough is good enough here.
 */
export const CHARS_PER_TOKEN = 4;
/** Framing the API adds around each message (role markers and separators). */
export const TOKENS_PER_MESSAGE_OVERHEAD = 4;
/** Expected length of one generated message when the caller gives no better figure. */
export const DEFAULT_TOKENS_PER_MESSAGE = 80;

export interface PromptShape {
  system?: string;
  messages: readonly ChatMessage[];
}

/** Characters of what is sent: the measure count_tokens samples are extrapolated by. */
export function promptChars(prompt: PromptShape): number {
  return (prompt.system?.length ?? 0) + prompt.messages.reduce((sum, m) => sum + m.content.length, 0);
}

export function approxTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function approxPromptTokens(prompt: PromptShape): number {
  return Math.ceil(promptChars(prompt) / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE_OVERHEAD * prompt.messages.length;
}
