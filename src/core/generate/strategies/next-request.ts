import type { ChatMessage, ModelRequest } from '../../api/types';
import type { RequestEstimate } from '../../queue/types';
import { approxPromptTokens, DEFAULT_TOKENS_PER_MESSAGE } from '../estimate/approx-tokens';
import type { ConversationSpec } from '../types';
import { buildSingleRequest } from './single';
import { buildTurnRequest } from './turns';

/** The request a conversation needs next, given the messages accepted so far. */
export function nextRequest(spec: ConversationSpec, transcript: readonly ChatMessage[]): ModelRequest {
  return spec.strategy === 'single' ? buildSingleRequest(spec) : buildTurnRequest(spec, transcript);
}

/** Messages one request of this strategy is expected to write. */
export function messagesPerRequest(spec: ConversationSpec): number {
  return spec.strategy === 'single' ? spec.turns : 1;
}

/**
 * What the next request will cost, for the limiter and the budget guard. `inputTokens` is the
 * counted figure when the caller has one (count_tokens); otherwise it is estimated locally.
 */
export function estimateRequest(
  spec: ConversationSpec,
  transcript: readonly ChatMessage[],
  inputTokens?: number,
  tokensPerMessage = DEFAULT_TOKENS_PER_MESSAGE,
): RequestEstimate {
  return {
    inputTokens: inputTokens ?? approxPromptTokens(nextRequest(spec, transcript)),
    maxTokens: spec.maxTokens,
    expectedOutputTokens: Math.min(spec.maxTokens, messagesPerRequest(spec) * tokensPerMessage),
    // `turns` makes one request per message still to write; the queue finishes the longest chains first.
    stepsLeft: spec.strategy === 'single' ? 1 : Math.max(1, spec.turns - transcript.length),
  };
}

/** The first request's estimate, for enqueuing a conversation's job. */
export function initialEstimate(spec: ConversationSpec, inputTokens?: number): RequestEstimate {
  return estimateRequest(spec, [], inputTokens);
}
