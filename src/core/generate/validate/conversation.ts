import type { ChatMessage } from '../../api/types';
import { detectRefusal } from './refusal';
import type { Rejection } from './rejected-output';

export type ValidationResult = { ok: true } | ({ ok: false } & Rejection);

// Only the two speakers' names (and "human", the ShareGPT alias): "System: macOS 14" is a fine user line.
const ROLE_LABEL = /^[*_]{0,2}\s*(user|assistant|human)\s*[*_]{0,2}\s*:/i;

/**
 * Why one message's text is unusable, or undefined. `index` is 0-based; the reason names it 1-based.
 * Truncation checks are deliberately conservative: only signs no finished message shows.
 */
export function messageProblem(content: string, index: number): Rejection | undefined {
  const number = index + 1;
  const at = (rule: Rejection['rule'], reason: string): Rejection => ({ rule, reason, messageIndex: index });
  const text = content.trim();
  if (text === '') return at('empty', `message ${number} is empty`);
  if (detectRefusal(text)) return at('refusal', `message ${number} is a refusal`);
  const label = ROLE_LABEL.exec(text);
  if (label) return at('role_label', `message ${number} starts with a role label "${label[1]}:"`);
  if ((text.match(/```/g)?.length ?? 0) % 2 === 1) return at('truncated', `message ${number} looks truncated (unclosed code block)`);
  if (/[,([{]$/.test(text)) return at('truncated', `message ${number} looks truncated (ends with "${text.slice(-1)}")`);
  return undefined;
}

/** Checks a whole conversation: count, alternation starting with the user, every message usable. */
export function validateConversation(messages: ChatMessage[], expectedMessages: number): ValidationResult {
  if (messages.length !== expectedMessages) {
    return { ok: false, rule: 'message_count', reason: `expected ${expectedMessages} messages, got ${messages.length}` };
  }
  for (let i = 0; i < messages.length; i++) {
    const role = messages[i]!.role;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (role !== expected) {
      const reason =
        i === 0
          ? `message 1 must be user, got ${role}`
          : `roles must alternate: message ${i + 1} is ${role} after ${messages[i - 1]!.role}`;
      return { ok: false, rule: 'role_order', reason, messageIndex: i };
    }
    const problem = messageProblem(messages[i]!.content, i);
    if (problem) return { ok: false, ...problem };
  }
  return { ok: true };
}
