import type { ModelRequest, ModelResponse } from './types';

/**
 * What the engine needs from the Message Batches API (half price, its own limits, results within 24 h).
 * The SDK-backed implementation lives beside `anthropic-caller.ts`; the simulator implements the same
 * endpoints, so tests drive the real SDK against it.
 */
export type MessageBatchStatus = 'in_progress' | 'canceling' | 'ended';

export interface MessageBatchCounts {
  processing: number;
  succeeded: number;
  errored: number;
  canceled: number;
  expired: number;
}

export interface RemoteMessageBatch {
  id: string;
  status: MessageBatchStatus;
  /** Only filled once the whole batch has ended (the API gives no partial counts before). */
  counts?: MessageBatchCounts;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  endedAt?: number;
}

/** One request of a batch: `customId` matches ^[a-zA-Z0-9_-]{1,64}$ and is unique within the batch. */
export interface MessageBatchRequest {
  customId: string;
  /** The same request the online path sends (prompt-cache breakpoints included); no signal, no callbacks. */
  params: Omit<ModelRequest, 'signal' | 'onHeaders' | 'onResponseBegin'>;
}

/** One line of a batch's results, in any order. `errored` carries the API's error type (e.g. invalid_request_error). */
export type MessageBatchResult =
  | { customId: string; type: 'succeeded'; response: Omit<ModelResponse, 'headers'> }
  | { customId: string; type: 'errored'; errorType: string; message: string }
  | { customId: string; type: 'canceled' }
  | { customId: string; type: 'expired' };

export interface MessageBatchPage {
  batches: RemoteMessageBatch[];
  hasMore: boolean;
  /** Pass as `afterId` for the next (older) page. */
  lastId?: string;
}

export interface MessageBatchApi {
  /** Never retried by the caller: a lost answer may still have made a batch (no idempotency key). */
  create(requests: readonly MessageBatchRequest[], signal?: AbortSignal): Promise<RemoteMessageBatch>;
  /** A 404 for a few seconds after create means "not yet", reported as a `not_found` ForgeError. */
  retrieve(id: string, signal?: AbortSignal): Promise<RemoteMessageBatch>;
  /** Newest first. */
  list(page?: { afterId?: string; limit?: number }, signal?: AbortSignal): Promise<MessageBatchPage>;
  cancel(id: string, signal?: AbortSignal): Promise<RemoteMessageBatch>;
  /** Streams the result lines of an ended batch; single-use: a broken download throws, and is read again from the start. */
  results(id: string, signal?: AbortSignal): AsyncIterable<MessageBatchResult>;
}
