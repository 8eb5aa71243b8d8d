import type { ConversationSpec } from '../types';

/**
 * Every instruction we add to a prompt file's text lives here, so the wording can be reviewed
 * (and the simulator's expectations checked) in one place.
 */

/** Appended to the prompt file's system prompt for the `single` strategy. */
export function singleSystem(spec: ConversationSpec): string {
  const block = [
    'You write realistic synthetic conversations between a user and an AI assistant, for a fine-tuning dataset.',
    'Write both sides. The user sounds like a real person; the assistant is helpful and accurate.',
    ...(spec.output.systemPrompt
      ? [
          `In the conversation, the assistant follows this system prompt:\n<assistant_system_prompt>\n${spec.output.systemPrompt}\n</assistant_system_prompt>`,
        ]
      : []),
    'Never put role labels such as "User:" or "Assistant:" inside a message. Reply with the JSON only.',
  ].join('\n');
  return spec.system ? `${spec.system}\n\n${block}` : block;
}

/** The one user message of the `single` strategy: the phrase "exactly N messages" and the word JSON must stay. */
export function singleUserMessage(spec: ConversationSpec): string {
  return (
    `${spec.prompt}\n\n` +
    `Write the conversation as exactly ${spec.turns} messages, alternating user and assistant, starting with the user. ` +
    'Return only JSON, with no prose before or after: ' +
    '{"messages":[{"role":"user","content":"..."},{"role":"assistant","content":"..."}]}'
  );
}

/**
 * System prompt for the model while it plays the user in the `turns` strategy, as two parts: the
 * first is the same for every conversation of a prompt file whose system prompt has no variables
 * (a prefix the cache can share between conversations), the second holds this conversation's
 * scenario. Nothing in it changes from one message to the next, so each conversation's
 * user-side transcript stays a cacheable prefix; the message number goes in `turnNote`.
 */
export function userSimulatorSystemParts(spec: ConversationSpec): [shared: string, conversation: string] {
  const shared = [
    'You are role-playing the USER in this scenario, talking to an AI assistant. The other side of this chat is the assistant.',
    "Write only the user's next message, in the user's own voice: no labels, no quotation marks around it, " +
      "no commentary, and never the assistant's reply.",
    ...(spec.system ? [`Background:\n${spec.system}`] : []),
  ].join('\n\n');
  const conversation = [`Scenario:\n${spec.prompt}`, `The conversation will have ${spec.turns} messages in all.`].join('\n\n');
  return [`${shared}\n\n`, conversation];
}

export function userSimulatorSystem(spec: ConversationSpec): string {
  return userSimulatorSystemParts(spec).join('');
}

/**
 * Appended to the last message of a user-side request (after its cache breakpoint), so the
 * per-message wording never enters a cached prefix.
 */
export function turnNote(messageNumber: number, turns: number): string {
  return `\n\n[You are now writing message ${messageNumber} of ${turns}, reacting to what the assistant just said.]`;
}

/**
 * The API wants the first message to be from the user, but when the model plays the user the
 * real user's messages are sent as `assistant`; this short cue comes first.
 */
export const USER_KICKOFF = 'Start the conversation: write your first message to the assistant.';
