import type { ModelCaller } from '../../api/types';
import { nextRequest } from '../strategies/next-request';
import type { ConversationSpec } from '../types';
import { promptChars } from './approx-tokens';

/** Up to `k` indices spread evenly over 0..n-1, first and last included. */
export function sampleIndices(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [0];
  const picked = new Set<number>();
  for (let i = 0; i < k; i++) picked.add(Math.round((i * (n - 1)) / (k - 1)));
  return [...picked].sort((a, b) => a - b);
}

export interface FirstRequestTokens {
  /** Input tokens of each spec's first request: counted for samples, extrapolated for the rest. */
  tokens: number[];
  /** Counted tokens per character of the samples' rendered prompts. */
  tokensPerChar: number;
  /** count_tokens calls made. */
  counted: number;
}

/**
 * Input tokens of the first request of each spec of one prompt file. count_tokens is free but has
 * its own RPM limit, so only a sample is counted (one call at a time) and the others are scaled by
 * the length of their rendered prompt: specs of one file share a template, so tokens per character
 * barely varies between them.
 */
export async function firstRequestTokens(
  specs: readonly ConversationSpec[],
  caller: Pick<ModelCaller, 'countTokens'>,
  sampleSize: number,
  signal?: AbortSignal,
): Promise<FirstRequestTokens> {
  const requests = specs.map((spec) => nextRequest(spec, []));
  const chars = requests.map(promptChars);
  const counts = new Map<number, number>();
  for (const i of sampleIndices(specs.length, sampleSize)) {
    const { model, system, messages } = requests[i]!;
    counts.set(i, await caller.countTokens({ model, ...(system !== undefined ? { system } : {}), messages, ...(signal ? { signal } : {}) }));
  }
  let countedTokens = 0;
  let countedChars = 0;
  for (const [i, n] of counts) {
    countedTokens += n;
    countedChars += chars[i]!;
  }
  const tokensPerChar = countedChars > 0 ? countedTokens / countedChars : 0;
  return {
    tokens: chars.map((c, i) => counts.get(i) ?? Math.round(c * tokensPerChar)),
    tokensPerChar,
    counted: counts.size,
  };
}
