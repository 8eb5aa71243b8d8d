import type { ChatMessage } from '../api/types';
import type { MessageBatchRequest } from '../api/message-batch-api';
import { specAt, specIdAt } from '../generate/prompt-file';
import type { CacheSettings } from '../generate/strategies/cache-layout';
import { nextRequest } from '../generate/strategies/next-request';
import type { ConversationSpec, PromptFile } from '../generate/types';
import { customIdFor } from './custom-ids';
import type { IntentRequest } from './journal-entries';
import type { JournalState } from './journal-state';

export interface PendingRequest extends MessageBatchRequest {
  readonly ref: IntentRequest;
}

export interface PendingScan {
  /** Conversations of the file not in the dataset, not failed, not waiting on a batch. */
  readonly requests: PendingRequest[];
}

/**
 * The next request of every conversation of `file` that needs one: not in the dataset, not failed,
 * not already waiting on a batch (or an unresolved create). `turns` conversations ask for the
 * message after the ones the journal kept, one message per batch round.
 */
export function pendingRequests(
  file: PromptFile,
  state: JournalState,
  isSettled: (id: string) => boolean,
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined,
): PendingScan {
  const inFlight = state.inFlight(file.name);
  const requests: PendingRequest[] = [];
  for (let i = 0; i < file.count; i++) {
    const id = specIdAt(file, i);
    if (inFlight.has(id) || isSettled(id)) continue;
    const spec = specAt(file, i);
    const transcript = spec.strategy === 'turns' ? (state.transcripts.get(id)?.messages ?? []) : [];
    const message = spec.strategy === 'turns' ? transcript.length + 1 : undefined;
    const customId = customIdFor(id, message);
    const params = paramsOf(spec, transcript, cacheFor);
    requests.push({ customId, params, ref: { c: customId, id, i, ...(message !== undefined ? { m: message } : {}) } });
  }
  return { requests };
}

/** The request `ref` stands for, rebuilt from the file and the journal (a `turns` transcript up to the message it asks for). */
export function requestOf(
  file: PromptFile,
  state: JournalState,
  ref: IntentRequest,
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined,
): MessageBatchRequest {
  const spec = specAt(file, ref.i);
  const transcript = ref.m !== undefined ? (state.transcripts.get(ref.id)?.messages ?? []).slice(0, ref.m - 1) : [];
  return { customId: ref.c, params: paramsOf(spec, transcript, cacheFor) };
}

function paramsOf(
  spec: ConversationSpec,
  transcript: readonly ChatMessage[],
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined,
): MessageBatchRequest['params'] {
  const { signal: _s, onHeaders: _h, onResponseBegin: _b, ...params } = nextRequest(spec, transcript, cacheFor?.(spec));
  return params;
}
