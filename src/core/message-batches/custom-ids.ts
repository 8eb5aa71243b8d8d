import { createHash } from 'node:crypto';
import { CUSTOM_ID_PATTERN } from '../api/message-batch-limits';

export { CUSTOM_ID_PATTERN };

/**
 * The `custom_id` of a conversation's request: the conversation id itself (`single`), or the id and
 * the message it asks for (`turns`, one message per round), so the same request has the same
 * custom_id on every run and a result can never be taken for another round's. An id that would not
 * fit the API's rule is hashed (base64url keeps to its alphabet); the journal keeps the map either way.
 */
export function customIdFor(conversationId: string, message?: number): string {
  const suffix = message === undefined ? '' : `_m${message}`;
  const plain = `${conversationId}${suffix}`;
  if (CUSTOM_ID_PATTERN.test(plain)) return plain;
  const digest = createHash('sha256').update(conversationId, 'utf8').digest('base64url').slice(0, 40);
  return `h${digest}${suffix}`;
}
