import type { MessageBatchRequest } from '../api/message-batch-api';

/** The API's limits on one Message Batch. */
export const MESSAGE_BATCH_LIMITS = { maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 } as const;

export interface PackLimits {
  maxRequests: number;
  maxBytes: number;
}

/** Room kept for the envelope (`{"requests":[…]}`) and the SDK's own fields. */
const ENVELOPE_BYTES = 64 * 1024;

/** Bytes one request adds to the create body (as the SDK sends it, near enough: snake_case keys, commas). */
export function requestBytes(request: MessageBatchRequest): number {
  return Buffer.byteLength(JSON.stringify({ custom_id: request.customId, params: request.params }), 'utf8') + 1;
}

/**
 * Splits requests into Message Batches under both limits, in order. A request too large for any
 * batch is the caller's to refuse before (preflight.ts): here it would be packed alone.
 */
export function packRequests<T extends MessageBatchRequest>(
  requests: readonly T[],
  limits: PackLimits = MESSAGE_BATCH_LIMITS,
  sizeOf: (r: T) => number = requestBytes,
): T[][] {
  const budget = Math.max(1, limits.maxBytes - ENVELOPE_BYTES);
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
