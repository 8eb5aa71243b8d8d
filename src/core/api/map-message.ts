import type { HeaderSource } from '../errors';
import type { Usage } from '../usage';
import type { ModelResponse } from './types';

/**
 * The part of an SDK `Message` we read. Declared structurally so that only `anthropic-caller.ts`
 * depends on the SDK, and so tests can map a message without one.
 */
export interface WireMessage {
  readonly model: string;
  readonly content: ReadonlyArray<{ readonly type: string; readonly text?: unknown }>;
  readonly stop_reason: string | null;
  readonly usage: {
    readonly input_tokens?: number | null;
    readonly output_tokens?: number | null;
    readonly cache_creation_input_tokens?: number | null;
    readonly cache_read_input_tokens?: number | null;
    readonly cache_creation?: { readonly ephemeral_1h_input_tokens?: number | null } | null;
  };
}

export function mapUsage(usage: WireMessage['usage']): Usage {
  const hour = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    ...(hour > 0 ? { cacheCreation1hInputTokens: hour } : {}),
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
  };
}

/** Current models may open with thinking blocks, so text is chosen by block type, never by position. */
export function textOf(content: WireMessage['content']): string {
  let text = '';
  for (const block of content) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
  }
  return text;
}

export function mapMessage(message: WireMessage, headers: HeaderSource): ModelResponse {
  const requestId = headers.get('request-id');
  return {
    text: textOf(message.content),
    stopReason: message.stop_reason,
    usage: mapUsage(message.usage),
    headers,
    ...(requestId ? { requestId } : {}),
    model: message.model,
  };
}
