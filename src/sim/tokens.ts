/**
 * The simulator's one token-counting rule. count_tokens and usage.input_tokens both use it, so an
 * engine that estimates with count_tokens reconciles exactly with the usage it is billed.
 */

/** Tokens every request costs before any message (the real API also adds a little framing). */
export const REQUEST_OVERHEAD_TOKENS = 3;
/** Tokens each message costs on top of its content (role markers). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function countTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens of one content block: ceil(chars / 4) of its text (non-text blocks by their JSON). */
export function blockTokens(text: string): number {
  return countTextTokens(text);
}

/** The blocks of a `system` or message `content` value: a string is one block. */
export function contentBlocks(content: unknown): { text: string; control: unknown }[] {
  if (typeof content === 'string') return [{ text: content, control: undefined }];
  if (!Array.isArray(content)) return content == null ? [] : [{ text: JSON.stringify(content), control: undefined }];
  return content.map((b) => {
    const block = (b ?? {}) as { text?: unknown; cache_control?: unknown };
    return { text: typeof block.text === 'string' ? block.text : JSON.stringify(b ?? null), control: block.cache_control };
  });
}

export interface CountableBody {
  system?: unknown;
  messages?: unknown;
  tools?: unknown;
}

/**
 * 3 + ceil(tools JSON chars / 4) + Σ over system blocks ceil(chars / 4) + Σ over messages
 * (4 + Σ over its blocks ceil(chars / 4)). Counted per block so that the token count of every prefix
 * (what prompt caching reads and writes) is well defined; a string is one block.
 */
export function countInputTokens(body: CountableBody): number {
  let tokens = REQUEST_OVERHEAD_TOKENS;
  const sum = (content: unknown) => contentBlocks(content).reduce((n, b) => n + blockTokens(b.text), 0);
  if (body.tools !== undefined) tokens += blockTokens(JSON.stringify(body.tools));
  if (body.system !== undefined) tokens += sum(body.system);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      tokens += MESSAGE_OVERHEAD_TOKENS + sum((message as { content?: unknown } | null)?.content);
    }
  }
  return tokens;
}
