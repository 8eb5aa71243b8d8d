import type { Usage } from '../../usage';
import type { RunEstimate } from '../estimate';
import type { GeneratedVariable, PromptFile } from '../types';
import { DEFAULT_VALUE_ROUNDS } from './value-rounds';
import { valuesRequest } from './values-request';

/** Expected output per generated value: a short line. */
const EXPECTED_TOKENS_PER_VALUE = 25;

export interface ValueRequestsCost {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface ValueRequestsEstimate extends ValueRequestsCost {
  /**
   * The most the values can cost: every variable asked `rounds` times (the first request and the
   * top-ups for values that fell short), each answer filling its max_tokens, and each top-up listing
   * every value the earlier answers could have held. The run's totals count this, not the expectation.
   */
  worstCase: ValueRequestsCost & { rounds: number };
}

type PriceOf = (model: string, usage: Usage) => number;

function usageOf(inputTokens: number, outputTokens: number): Usage {
  return { inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

/** Input tokens of a values request with no values listed yet (about four characters a token). */
function baseInputTokens(g: GeneratedVariable): number {
  return Math.ceil(valuesRequest(g, [], g.count).messages[0]!.content.length / 4);
}

/**
 * The worst case of the request of round `round` (0: the first): the values listed in a top-up came
 * from earlier answers, so they are at most `round` answers' max_tokens (plus a "- " per value).
 */
export function worstValueRequest(g: GeneratedVariable, round: number, priceOf: PriceOf): ValueRequestsCost {
  const inputTokens = baseInputTokens(g) + round * g.maxTokens + (round > 0 ? g.count : 0);
  return { requests: 1, inputTokens, outputTokens: g.maxTokens, costUsd: priceOf(g.model, usageOf(inputTokens, g.maxTokens)) };
}

/**
 * The requests that generate the values still missing: the expected one per pending variable, and
 * the worst case with the bounded top-up rounds (generate-values.ts), priced like any request.
 */
export function estimateValueRequests(
  files: readonly PromptFile[],
  priceOf: PriceOf,
  rounds: number = DEFAULT_VALUE_ROUNDS,
): ValueRequestsEstimate {
  const out: ValueRequestsEstimate = {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    worstCase: { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, rounds },
  };
  for (const file of files) {
    for (const g of file.generated ?? []) {
      if (!file.pendingValues?.includes(g.name)) continue;
      const inputTokens = baseInputTokens(g);
      const outputTokens = Math.min(g.maxTokens, g.count * EXPECTED_TOKENS_PER_VALUE);
      out.requests++;
      out.inputTokens += inputTokens;
      out.outputTokens += outputTokens;
      out.costUsd += priceOf(g.model, usageOf(inputTokens, outputTokens));
      for (let round = 0; round < rounds; round++) {
        const worst = worstValueRequest(g, round, priceOf);
        out.worstCase.requests++;
        out.worstCase.inputTokens += worst.inputTokens;
        out.worstCase.outputTokens += worst.outputTokens;
        out.worstCase.costUsd += worst.costUsd;
      }
    }
  }
  return out;
}

/**
 * The estimate with the value requests' worst case added to its totals (a spend guard and a budget
 * must not be surprised by top-ups), and named, so the front ends can say both figures.
 */
export function withValueRequests(estimate: RunEstimate, extra: ValueRequestsEstimate): RunEstimate {
  if (extra.requests === 0) return estimate;
  const worst = extra.worstCase;
  return {
    ...estimate,
    requests: estimate.requests + worst.requests,
    inputTokens: estimate.inputTokens + worst.inputTokens,
    outputTokens: estimate.outputTokens + worst.outputTokens,
    costUsd: estimate.costUsd + worst.costUsd,
    valueRequests: extra,
  };
}
