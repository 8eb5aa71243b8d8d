import type { ChatMessage, ModelRequest, ModelResponse } from '../../api/types';
import type { ConversationSpec } from '../types';
import { messageProblem } from '../validate/conversation';
import { rejectedOutput } from '../validate/rejected-output';
import { stopReasonProblem } from '../validate/stop-reason';
import { invalidOutput } from './invalid-output';
import { withBreakpoints, type CacheSettings } from './cache-layout';
import { turnNote, USER_KICKOFF, userSimulatorSystemParts } from './prompts';

/**
 * Strategy `turns`: one request per message, the model playing each side in turn. Each message is
 * checked as it arrives, so a bad turn is regenerated alone and the earlier ones are kept.
 */
export function nextRole(transcript: readonly ChatMessage[]): ChatMessage['role'] {
  return transcript.length % 2 === 0 ? 'user' : 'assistant';
}

const swapRole = (m: ChatMessage): ChatMessage => ({
  role: m.role === 'user' ? 'assistant' : 'user',
  content: m.content,
});

/**
 * Each side's request marks its last message as a cache breakpoint, so the next request of that side
 * reads everything up to it from the cache and only the two newest messages are new input. The
 * system prompts change from conversation to conversation at most, never from message to message;
 * the one piece of per-message wording (the user side's turn note) sits after the breakpoint.
 */
export function buildTurnRequest(spec: ConversationSpec, transcript: readonly ChatMessage[], cache?: CacheSettings): ModelRequest {
  if (nextRole(transcript) === 'user') {
    // The model speaks as the user, so the roles are swapped; the kickoff keeps "user first" true.
    const [shared, conversation] = userSimulatorSystemParts(spec);
    const messages: ChatMessage[] = [{ role: 'user', content: USER_KICKOFF }, ...transcript.map(swapRole)];
    const last = messages.at(-1)!;
    const cut = last.content.length;
    if (transcript.length > 0)
      messages[messages.length - 1] = { ...last, content: last.content + turnNote(transcript.length + 1, spec.turns) };
    const request = { model: spec.model, system: shared + conversation, messages, maxTokens: spec.maxTokens };
    return withBreakpoints(request, cache, [shared.length], cut);
  }
  const system = spec.output.systemPrompt ?? spec.system;
  const messages = transcript.map((m) => ({ ...m }));
  const request = { model: spec.model, ...(system ? { system } : {}), messages, maxTokens: spec.maxTokens };
  return withBreakpoints(request, cache, system ? [system.length] : [], messages.at(-1)?.content.length);
}

/** The next message, or throws ForgeError('invalid_output') for this turn alone. */
export function readTurnResponse(transcript: readonly ChatMessage[], response: ModelResponse): ChatMessage {
  const index = transcript.length;
  // What was turned down is kept with the transcript it followed, so it can be read in context.
  const attempt = (content: string) => [...transcript, { role: nextRole(transcript), content }];
  const stop = stopReasonProblem(response.stopReason);
  if (stop)
    throw invalidOutput(
      `message ${index + 1}: ${stop}`,
      response,
      rejectedOutput(attempt(response.text), { rule: 'stop_reason', messageIndex: index }),
    );
  const content = response.text.trim();
  const problem = messageProblem(content, index);
  if (problem) throw invalidOutput(problem.reason, response, rejectedOutput(attempt(content), problem));
  return { role: nextRole(transcript), content };
}
