import type { ChatMessage, ModelRequest, ModelResponse } from '../../api/types';
import type { ConversationSpec } from '../types';
import { validateConversation } from '../validate/conversation';
import { parseConversation } from '../validate/parse-conversation';
import { detectRefusal } from '../validate/refusal';
import { stopReasonProblem } from '../validate/stop-reason';
import { withBreakpoints, type CacheSettings } from './cache-layout';
import { invalidOutput } from './invalid-output';
import { singleSystem, singleUserMessage } from './prompts';

/**
 * Strategy `single`: one request returns the whole conversation as JSON. Plain text is asked for
 * and validated, because forced tool use is rejected by current models.
 */
export function buildSingleRequest(spec: ConversationSpec, cache?: CacheSettings): ModelRequest {
  const system = singleSystem(spec);
  const request = {
    model: spec.model,
    system,
    messages: [{ role: 'user' as const, content: singleUserMessage(spec) }],
    maxTokens: spec.maxTokens,
  };
  // The system prompt (file's system text and our instructions) is the prefix conversations share;
  // everything per conversation comes after it. A system prompt with variables is not shared, and
  // a write nobody reads would only cost 1.25x.
  return withBreakpoints(request, cache, spec.systemVaries ? [] : [system.length]);
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
