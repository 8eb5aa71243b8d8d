import type { MessageBatchRequest } from '../api/message-batch-api';
import {
  MESSAGE_BATCH_ENVELOPE_BYTES,
  MESSAGE_BATCH_MAX_BYTES,
  MESSAGE_BATCH_MAX_REQUESTS,
  messageBatchRequestBytes,
} from '../api/message-batch-limits';

export interface PackLimits {
  maxRequests: number;
  maxBytes: number;
}

/** The API's limits on one Message Batch. */
export const MESSAGE_BATCH_LIMITS: PackLimits = { maxRequests: MESSAGE_BATCH_MAX_REQUESTS, maxBytes: MESSAGE_BATCH_MAX_BYTES };

/** Bytes one request adds to the create body, exactly as the client sends it. */
export const requestBytes = messageBatchRequestBytes;

/**
 * Splits requests into Message Batches under both limits, in order. A request too large for any
 * batch is the caller's to refuse before (preflight.ts): here it would be packed alone.
 */
export function packRequests<T extends MessageBatchRequest>(
  requests: readonly T[],
  limits: PackLimits = MESSAGE_BATCH_LIMITS,
  sizeOf: (r: T) => number = requestBytes,
): T[][] {
  const budget = Math.max(1, limits.maxBytes - MESSAGE_BATCH_ENVELOPE_BYTES);
  const packs: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const request of requests) {
    const size = sizeOf(request);
    if (current.length > 0 && (current.length >= limits.maxRequests || bytes + size > budget)) {
      packs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(request);
    bytes += size;
  }
  if (current.length > 0) packs.push(current);
  return packs;
}
