import type { Conversation, OutputFormat } from '../types';
import { invalidOption, oneOfWording } from '../../validate';

export interface OpenAiRecord {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

export interface ShareGptRecord {
  conversations: { from: 'system' | 'human' | 'gpt'; value: string }[];
}

export interface AnthropicRecord {
  system?: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

export type TrainingRecord = OpenAiRecord | ShareGptRecord | AnthropicRecord;

/**
 * The training record for one conversation. Only role and text are copied, so nothing else a
 * message object may carry at runtime (ids, usage) can leak into a dataset. An empty system prompt
 * is left out rather than trained on.
 */
export function formatRecord(format: OutputFormat, conv: Conversation, systemPrompt?: string): TrainingRecord {
  const system = systemPrompt !== undefined && systemPrompt !== '' ? systemPrompt : undefined;
  switch (format) {
    case 'openai':
      return {
        messages: [
          ...(system !== undefined ? [{ role: 'system' as const, content: system }] : []),
          ...conv.messages.map((m) => ({ role: m.role, content: m.content })),
        ],
      };
    case 'sharegpt':
      return {
        conversations: [
          ...(system !== undefined ? [{ from: 'system' as const, value: system }] : []),
          ...conv.messages.map((m) => ({ from: m.role === 'user' ? ('human' as const) : ('gpt' as const), value: m.content })),
        ],
      };
    case 'anthropic':
      return {
        ...(system !== undefined ? { system } : {}),
        messages: conv.messages.map((m) => ({ role: m.role, content: m.content })),
      };
    default: {
      const unknown: never = format;
      throw invalidOption('format', oneOfWording(['openai', 'sharegpt', 'anthropic']), unknown);
    }
  }
}
