import type { ChatMessage, ModelRequest, ModelResponse } from '../../api/types';
import type { ConversationSpec } from '../types';
import { validateConversation } from '../validate/conversation';
import { parseConversation } from '../validate/parse-conversation';
import { detectRefusal } from '../validate/refusal';
import { rejectedOutput } from '../validate/rejected-output';
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
  const raw = [{ role: 'assistant' as const, content: response.text }];
  const stop = stopReasonProblem(response.stopReason);
  if (stop) throw invalidOutput(stop, response, rejectedOutput(raw, { rule: 'stop_reason' }, true));
  const parsed = parseConversation(response.text);
  if (!parsed.ok) {
    const refused = detectRefusal(response.text);
    const rule = refused ? 'refusal' : 'unreadable';
    throw invalidOutput(refused ? 'model refused' : parsed.reason, response, rejectedOutput(raw, { rule }, true));
  }
  const verdict = validateConversation(parsed.messages, spec.turns);
  if (!verdict.ok) throw invalidOutput(verdict.reason, response, rejectedOutput(parsed.messages, verdict));
  return parsed.messages;
}
