import type { ChatMessage } from '../../api/types';

/** Which check turned a response down: what the viewer and the failures file name. */
export type ValidationRule =
  'stop_reason' | 'unreadable' | 'message_count' | 'role_order' | 'empty' | 'refusal' | 'role_label' | 'truncated';

/** Why a conversation (or one message of it) was turned down: the rule, and the message when one is to blame. */
export interface Rejection {
  rule: ValidationRule;
  reason: string;
  /** 0-based index of the offending message. */
  messageIndex?: number;
}

/**
 * The text validation turned down, kept so the failure can be looked at later: the attempt's
 * messages (for `turns`, the transcript so far plus the rejected message), or, when the response
 * could not be read as messages, one assistant message holding the raw text (`raw`).
 */
export interface RejectedOutput {
  messages: ChatMessage[];
  raw?: boolean;
  rule?: ValidationRule;
  /** 0-based index into `messages` of the offending message. */
  messageIndex?: number;
}

/** The rejected attempt, with the rule and message the rejection names. */
export function rejectedOutput(messages: ChatMessage[], rejection: Omit<Rejection, 'reason'>, raw = false): RejectedOutput {
  return {
    messages,
    ...(raw ? { raw } : {}),
    rule: rejection.rule,
    ...(rejection.messageIndex !== undefined ? { messageIndex: rejection.messageIndex } : {}),
  };
}
