import type { Usage } from '../../usage';
import type { RunEstimate } from '../estimate';
import type { PromptFile } from '../types';
import { valuesRequest } from './values-request';

/** Expected output per generated value: a short line. */
const EXPECTED_TOKENS_PER_VALUE = 25;

export interface ValueRequestsEstimate {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * The requests that generate the values still missing: one per pending variable (top-up requests
 * happen only when an answer falls short, so they are not counted), priced like any request.
 */
export function estimateValueRequests(
  files: readonly PromptFile[],
  priceOf: (model: string, usage: Usage) => number,
): ValueRequestsEstimate {
  const out: ValueRequestsEstimate = { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const file of files) {
    for (const g of file.generated ?? []) {
      if (!file.pendingValues?.includes(g.name)) continue;
      const request = valuesRequest(g, [], g.count);
      const inputTokens = Math.ceil(request.messages[0]!.content.length / 4);
      const outputTokens = Math.min(g.maxTokens, g.count * EXPECTED_TOKENS_PER_VALUE);
      out.requests++;
      out.inputTokens += inputTokens;
      out.outputTokens += outputTokens;
      out.costUsd += priceOf(g.model, { inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
    }
  }
  return out;
}

/** The estimate with the value requests added to its totals (and named, so the front ends can say so). */
export function withValueRequests(estimate: RunEstimate, extra: ValueRequestsEstimate): RunEstimate {
  if (extra.requests === 0) return estimate;
  return {
    ...estimate,
    requests: estimate.requests + extra.requests,
    inputTokens: estimate.inputTokens + extra.inputTokens,
    outputTokens: estimate.outputTokens + extra.outputTokens,
    costUsd: estimate.costUsd + extra.costUsd,
    valueRequests: extra,
  };
}
