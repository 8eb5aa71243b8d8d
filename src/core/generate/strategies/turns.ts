import type { ChatMessage, ModelRequest, ModelResponse } from '../../api/types';
import type { ConversationSpec } from '../types';
import { messageProblem } from '../validate/conversation';
import { stopReasonProblem } from '../validate/stop-reason';
import { invalidOutput } from './invalid-output';
import { USER_KICKOFF, userSimulatorSystem } from './prompts';

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

export function buildTurnRequest(spec: ConversationSpec, transcript: readonly ChatMessage[]): ModelRequest {
  if (nextRole(transcript) === 'user') {
    // The model speaks as the user, so the roles are swapped; the kickoff keeps "user first" true.
    return {
      model: spec.model,
      system: userSimulatorSystem(spec, transcript.length + 1),
      messages: [{ role: 'user', content: USER_KICKOFF }, ...transcript.map(swapRole)],
      maxTokens: spec.maxTokens,
    };
  }
  const system = spec.output.systemPrompt ?? spec.system;
  return {
    model: spec.model,
    ...(system ? { system } : {}),
    messages: transcript.map((m) => ({ ...m })),
    maxTokens: spec.maxTokens,
  };
}

/** The next message, or throws ForgeError('invalid_output') for this turn alone. */
export function readTurnResponse(transcript: readonly ChatMessage[], response: ModelResponse): ChatMessage {
  const number = transcript.length + 1;
  const stop = stopReasonProblem(response.stopReason);
  if (stop) throw invalidOutput(`message ${number}: ${stop}`, response);
  const content = response.text.trim();
  const problem = messageProblem(content, number);
  if (problem) throw invalidOutput(problem, response);
  return { role: nextRole(transcript), content };
}
