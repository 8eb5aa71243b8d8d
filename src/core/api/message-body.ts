import type { CacheTtl, ChatMessage, ModelRequest } from './types';

/**
 * The Messages request body built from a ModelRequest. One builder serves the online caller and the
 * Message Batches client, so prompt-cache breakpoints produce byte-identical bodies (and the same
 * cache prefixes) in both modes.
 */
export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: { type: 'ephemeral'; ttl: CacheTtl };
}

/** What the body is made of: a ModelRequest without its per-call hooks (a batch request has none). */
export type MessageBodySource = Pick<ModelRequest, 'model' | 'system' | 'messages' | 'maxTokens' | 'cache'>;

export interface MessageBody {
  model: string;
  max_tokens: number;
  messages: { role: ChatMessage['role']; content: string | TextBlock[] }[];
  system?: string | TextBlock[];
}

/**
 * Only these fields: API version 2026-10-21 rejects temperature/top_p/top_k, and current models reject
 * forced tool_choice, so nothing else is ever sent.
 */
export function messageBody(request: MessageBodySource): MessageBody {
  const cache = request.cache;
  const last = request.messages.length - 1;
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages.map(({ role, content }, i) => ({
      role,
      content: cache?.lastMessageCut !== undefined && i === last ? splitAt(content, [cache.lastMessageCut], cache.ttl) : content,
    })),
    ...(request.system
      ? { system: cache && cache.systemBreaks.length > 0 ? splitAt(request.system, cache.systemBreaks, cache.ttl) : request.system }
      : {}),
  };
}

/**
 * `text` as blocks ending at `breaks` (each marked with cache_control) plus the unmarked rest. The
 * blocks' texts join back to `text` exactly; empty blocks (the API rejects them) are never made.
 */
export function splitAt(text: string, breaks: readonly number[], ttl: CacheTtl): TextBlock[] {
  const blocks: TextBlock[] = [];
  let from = 0;
  for (const at of breaks) {
    const to = Math.min(at, text.length);
    if (to <= from) continue;
    blocks.push({ type: 'text', text: text.slice(from, to), cache_control: { type: 'ephemeral', ttl } });
    from = to;
  }
  if (from < text.length) blocks.push({ type: 'text', text: text.slice(from) });
  return blocks;
}
