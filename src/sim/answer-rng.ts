import { createRng, type Rng } from './rng';

/**
 * The random stream one answer is drawn from: the seed and the request's content (model, system,
 * messages), hashed. The same request gets the same answer in every process and in any order (a
 * failing test still replays), and different requests get different texts, so dry runs in separate
 * processes do not write the same conversations again (which duplicate marking would flag).
 */
export function answerRng(seed: number, body: Record<string, unknown>): Rng {
  const content = JSON.stringify([body['model'], body['system'] ?? null, body['messages']]);
  return createRng(fnv1a(content, seed));
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
