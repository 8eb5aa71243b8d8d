import type { ModelCaller } from '../../api/types';
import type { Clock } from '../../clock';
import { nextRequest } from '../strategies/next-request';
import type { ConversationSpec } from '../types';
import { CHARS_PER_TOKEN, promptChars } from './approx-tokens';
import { countWithRetry } from './count-with-retry';

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
  /** Samples counted with count_tokens. */
  counted: number;
  /** No sample could be counted (count_tokens kept refusing): tokens are a characters-based guess. */
  approximate: boolean;
}

/**
 * Input tokens of the first request of each spec of one prompt file. count_tokens is free but has
 * its own RPM limit, so only a sample is counted and the others are scaled by
 * the length of their rendered prompt: specs of one file share a template, so tokens per character
 * barely varies between them.
 */
export async function firstRequestTokens(
  specs: readonly ConversationSpec[],
  caller: Pick<ModelCaller, 'countTokens'>,
  sampleSize: number,
  clock: Clock,
  signal?: AbortSignal,
): Promise<FirstRequestTokens> {
  const requests = specs.map((spec) => nextRequest(spec, []));
  const chars = requests.map(promptChars);
  const counts = new Map<number, number>();
  // A sample that cannot be counted is left out: the ones counted stand for all.
  const count = async (i: number): Promise<boolean> => {
    const { model, system, messages } = requests[i]!;
    const n = await countWithRetry(
      caller,
      { model, ...(system !== undefined ? { system } : {}), messages, ...(signal ? { signal } : {}) },
      { clock, ...(signal ? { signal } : {}) },
    );
    if (n !== undefined) counts.set(i, n);
    return n !== undefined;
  };
  const [first, ...rest] = sampleIndices(specs.length, sampleSize);
  // The first alone: a key the API refuses costs one call. Then the rest at once: each still waits
  // for a permit of count_tokens' own limit (paced-counter.ts), so only round trips are saved, and
  // against the API (a few hundred ms each) those were most of an estimate's wait.
  if (first !== undefined && (await count(first))) await Promise.all(rest.map(count));
  let countedTokens = 0;
  let countedChars = 0;
  for (const [i, n] of counts) {
    countedTokens += n;
    countedChars += chars[i]!;
  }
  const approximate = countedChars === 0;
  const tokensPerChar = approximate ? 1 / CHARS_PER_TOKEN : countedTokens / countedChars;
  return {
    tokens: chars.map((c, i) => counts.get(i) ?? Math.round(c * tokensPerChar)),
    tokensPerChar,
    counted: counts.size,
    approximate,
  };
}
