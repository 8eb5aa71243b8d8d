import type { ChatMessage, ModelRequest, ModelResponse } from '../../api/types';
import type { ConversationSpec } from '../types';
import { validateConversation } from '../validate/conversation';
import { parseConversation } from '../validate/parse-conversation';
import { detectRefusal } from '../validate/refusal';
import { stopReasonProblem } from '../validate/stop-reason';
import { invalidOutput } from './invalid-output';
import { singleSystem, singleUserMessage } from './prompts';

/**
 * Strategy `single`: one request returns the whole conversation as JSON. Plain text is asked for
 * and validated, because forced tool use is rejected by current models.
 */
export function buildSingleRequest(spec: ConversationSpec): ModelRequest {
  return {
    model: spec.model,
    system: singleSystem(spec),
    messages: [{ role: 'user', content: singleUserMessage(spec) }],
    maxTokens: spec.maxTokens,
  };
}

/** The validated messages, or throws ForgeError('invalid_output') carrying the response's usage. */
export function readSingleResponse(spec: ConversationSpec, response: ModelResponse): ChatMessage[] {
  const stop = stopReasonProblem(response.stopReason);
  if (stop) throw invalidOutput(stop, response);
  const parsed = parseConversation(response.text);
  if (!parsed.ok) throw invalidOutput(detectRefusal(response.text) ? 'model refused' : parsed.reason, response);
  const verdict = validateConversation(parsed.messages, spec.turns);
  if (!verdict.ok) throw invalidOutput(verdict.reason, response);
  return parsed.messages;
}
