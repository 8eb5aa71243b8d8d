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

/** Characters of a `system` or message `content` value: strings as is, blocks by their text. */
function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return content == null ? 0 : JSON.stringify(content).length;
  let chars = 0;
  for (const block of content) {
    const text = (block as { type?: unknown; text?: unknown } | null)?.text;
    chars += typeof text === 'string' ? text.length : JSON.stringify(block ?? null).length;
  }
  return chars;
}

export interface CountableBody {
  system?: unknown;
  messages?: unknown;
  tools?: unknown;
}

/**
 * 3 + ceil(system chars / 4) + ceil(tools JSON chars / 4) + Σ over messages (4 + ceil(content chars / 4)).
 */
export function countInputTokens(body: CountableBody): number {
  let tokens = REQUEST_OVERHEAD_TOKENS;
  if (body.system !== undefined) tokens += Math.ceil(contentChars(body.system) / 4);
  if (body.tools !== undefined) tokens += Math.ceil(JSON.stringify(body.tools).length / 4);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const content = (message as { content?: unknown } | null)?.content;
      tokens += MESSAGE_OVERHEAD_TOKENS + Math.ceil(contentChars(content) / 4);
    }
  }
  return tokens;
}
