import type { RejectedOutput } from '../validate/rejected-output';
import { isCount, isRecord } from './line-log';
import type { KeptRejection } from './types';

/**
 * Characters of one rejected message kept in the failures file. A runaway response (one that ran
 * to max_tokens, say 64k tokens, about 250 KB of text) rejected on every attempt of thousands of
 * conversations would make the failures file bigger than the dataset, and the writer reads that
 * file whole on every open (resume). 8,000 characters is more than a reader needs to see why a
 * message was turned down (every rule looks at its start or its end, and the end is what a
 * runaway loses anyway); the marker says how long it was.
 */
export const MAX_KEPT_CHARS = 8_000;
/** Messages of one rejected attempt kept: a response that parsed into hundreds of messages is a runaway too. */
export const MAX_KEPT_MESSAGES = 64;

const ROLES = new Set(['user', 'assistant']);

/** `text`, or its first MAX_KEPT_CHARS characters and a marker that says it was cut and how long it was. */
export function capText(text: string): string {
  if (text.length <= MAX_KEPT_CHARS) return text;
  return `${text.slice(0, MAX_KEPT_CHARS)}… (truncated, ${text.length.toLocaleString('en-US')} chars)`;
}

/** What the failures file keeps of a rejected attempt: bounded, whatever the model wrote. */
export function keepRejected(rejected: RejectedOutput): KeptRejection {
  const kept = rejected.messages.slice(0, MAX_KEPT_MESSAGES);
  const omitted = rejected.messages.length - kept.length;
  return {
    messages: kept.map((m) => ({ role: m.role, content: capText(m.content) })),
    ...(rejected.raw ? { raw: true } : {}),
    ...(rejected.rule !== undefined ? { rule: rejected.rule } : {}),
    ...(rejected.messageIndex !== undefined ? { messageIndex: rejected.messageIndex } : {}),
    ...(omitted > 0 ? { omittedMessages: omitted } : {}),
  };
}

/**
 * The `rejected` field of a failures line, or undefined when it is missing or not of this shape.
 * Lenient on purpose: the failure itself (id, kind, attempts) is what resume needs, and a line the
 * writer cannot read stops every later open, so a text that does not read is dropped, not the line.
 */
export function parseKeptRejection(value: unknown): KeptRejection | undefined {
  if (!isRecord(value) || !Array.isArray(value['messages'])) return undefined;
  const messages = value['messages'];
  const ok =
    messages.every((m) => isRecord(m) && ROLES.has(m['role'] as string) && typeof m['content'] === 'string') &&
    (value['raw'] === undefined || typeof value['raw'] === 'boolean') &&
    (value['rule'] === undefined || typeof value['rule'] === 'string') &&
    (value['messageIndex'] === undefined || isCount(value['messageIndex'])) &&
    (value['omittedMessages'] === undefined || isCount(value['omittedMessages']));
  return ok ? (value as unknown as KeptRejection) : undefined;
}
