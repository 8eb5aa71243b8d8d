import type { ChatMessage } from '../../api/types';
import { jsonValues } from './extract-json';

export type ParseResult = { ok: true; messages: ChatMessage[] } | { ok: false; reason: string };

const ROLE_ALIASES: Readonly<Record<string, ChatMessage['role']>> = {
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  ai: 'assistant',
  model: 'assistant',
  bot: 'assistant',
};

/**
 * Reads a conversation out of a model's JSON reply, accepting the shapes models actually produce:
 * `{messages:[…]}`, a bare array, ShareGPT's `{conversations:[{from,value}]}`, role aliases
 * ("human", "gpt"), and content as a string or as text blocks. A leading system entry is dropped
 * (it is not part of what we asked for, and the dataset's system prompt comes from the prompt file).
 * The result still has to pass `validateConversation`.
 */
export function parseConversation(text: string): ParseResult {
  let sawJson = false;
  let list: unknown[] | undefined;
  for (const value of jsonValues(text)) {
    sawJson = true;
    list = messageList(value);
    if (list) break;
  }
  if (!list) return { ok: false, reason: sawJson ? 'JSON has no messages array' : 'response is not JSON' };

  const entries = [...list];
  if (entries.length > 0 && roleOf(entries[0]) === 'system') entries.shift();

  const messages: ChatMessage[] = [];
  for (let i = 0; i < entries.length; i++) {
    const raw = roleOf(entries[i]);
    const role = raw === undefined ? undefined : ROLE_ALIASES[raw];
    if (!role) return { ok: false, reason: `message ${i + 1} has ${raw ? `an unknown role "${raw}"` : 'no role'}` };
    const content = contentOf(entries[i]);
    if (content === undefined) return { ok: false, reason: `message ${i + 1} has no text content` };
    messages.push({ role, content: content.trim() });
  }
  return { ok: true, messages };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEntryList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every(isRecord);
}

function messageList(value: unknown): unknown[] | undefined {
  if (isEntryList(value)) return value;
  if (!isRecord(value)) return undefined;
  for (const key of ['messages', 'conversation', 'conversations']) {
    const v = value[key];
    if (isEntryList(v)) return v;
  }
  return undefined;
}

function roleOf(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const role = entry['role'] ?? entry['from'] ?? entry['speaker'];
  return typeof role === 'string' ? role.trim().toLowerCase() : undefined;
}

function contentOf(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const content = entry['content'] ?? entry['value'] ?? entry['text'];
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.filter(
      (b): b is { type: 'text'; text: string } => isRecord(b) && b['type'] === 'text' && typeof b['text'] === 'string',
    );
    if (texts.length > 0) return texts.map((b) => b.text).join('');
  }
  return undefined;
}
