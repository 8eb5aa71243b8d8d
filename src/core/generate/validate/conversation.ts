import type { ChatMessage } from '../../api/types';
import { detectRefusal } from './refusal';

export type ValidationResult = { ok: true } | { ok: false; reason: string };

// Only the two speakers' names (and "human", the ShareGPT alias): "System: macOS 14" is a fine user line.
const ROLE_LABEL = /^[*_]{0,2}\s*(user|assistant|human)\s*[*_]{0,2}\s*:/i;

/**
 * Why one message's text is unusable, or undefined. `number` is 1-based, for the reason text.
 * Truncation checks are deliberately conservative: only signs no finished message shows.
 */
export function messageProblem(content: string, number: number): string | undefined {
  const text = content.trim();
  if (text === '') return `message ${number} is empty`;
  if (detectRefusal(text)) return `message ${number} is a refusal`;
  const label = ROLE_LABEL.exec(text);
  if (label) return `message ${number} starts with a role label "${label[1]}:"`;
  if ((text.match(/```/g)?.length ?? 0) % 2 === 1) return `message ${number} looks truncated (unclosed code block)`;
  if (/[,([{]$/.test(text)) return `message ${number} looks truncated (ends with "${text.slice(-1)}")`;
  return undefined;
}

/** Checks a whole conversation: count, alternation starting with the user, every message usable. */
export function validateConversation(messages: ChatMessage[], expectedMessages: number): ValidationResult {
  if (messages.length !== expectedMessages) {
    return { ok: false, reason: `expected ${expectedMessages} messages, got ${messages.length}` };
  }
  for (let i = 0; i < messages.length; i++) {
    const role = messages[i]!.role;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (role !== expected) {
      const reason =
        i === 0
          ? `message 1 must be user, got ${role}`
          : `roles must alternate: message ${i + 1} is ${role} after ${messages[i - 1]!.role}`;
      return { ok: false, reason };
    }
    const problem = messageProblem(messages[i]!.content, i + 1);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true };
}
