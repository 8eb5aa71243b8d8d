import { createRng, type Rng } from './rng';

/**
 * The random stream one answer is drawn from: the seed and the request's content (model, system,
 * messages: their text only, so cache_control breakpoints and block splits do not change it),
 * hashed. The same request gets the same answer in every process and in any order (a failing test
 * still replays), and different requests get different texts, so dry runs in separate processes do
 * not write the same conversations again (which duplicate marking would flag).
 */
export function answerRng(seed: number, body: Record<string, unknown>): Rng {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  const content = [
    String(body['model']),
    textOf(body['system']),
    ...messages.map((m) =>
      m && typeof m === 'object'
        ? `${String((m as Record<string, unknown>)['role'])}:${textOf((m as Record<string, unknown>)['content'])}`
        : '',
    ),
  ].join('\u0000');
  return createRng(fnv1a(content, seed));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : ''))
    .join('');
}

/** 32-bit FNV-1a over UTF-16 code units, the seed folded into the offset basis. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
