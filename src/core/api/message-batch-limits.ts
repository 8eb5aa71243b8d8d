import { messageBody, type MessageBody } from './message-body';
import type { MessageBatchRequest } from './message-batch-api';

/**
 * The Message Batches API's per-batch limits and the pure sizing the runner packs batches with. No SDK
 * here: packing and checking happen before any client exists (estimate, dry validation).
 */
export const MESSAGE_BATCH_MAX_REQUESTS = 100_000;
/** 256 MB read as decimal megabytes: the smaller reading, so a batch packed under it fits either way. */
export const MESSAGE_BATCH_MAX_BYTES = 256_000_000;
export const CUSTOM_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** `{"requests":[` … `]}` around the request lines. */
export const MESSAGE_BATCH_ENVELOPE_BYTES = Buffer.byteLength('{"requests":[]}');

export interface MessageBatchLine {
  custom_id: string;
  params: MessageBody;
}

/** The request as it goes over the wire, built by the same builder as an online request. */
export function messageBatchLine(request: MessageBatchRequest): MessageBatchLine {
  return { custom_id: request.customId, params: messageBody(request.params) };
}

/**
 * Bytes this request adds to a create body: its JSON plus the comma that separates it from the
 * next. A body's size is `MESSAGE_BATCH_ENVELOPE_BYTES + Σ bytes − 1` (see `messageBatchBodyBytes`).
 */
export function messageBatchRequestBytes(request: MessageBatchRequest): number {
  return Buffer.byteLength(JSON.stringify(messageBatchLine(request))) + 1;
}

export function messageBatchBodyBytes(requests: readonly MessageBatchRequest[]): number {
  let total = MESSAGE_BATCH_ENVELOPE_BYTES;
  for (const r of requests) total += messageBatchRequestBytes(r);
  return requests.length > 0 ? total - 1 : total;
}

export interface MessageBatchLimits {
  readonly maxRequests: number;
  readonly maxBytes: number;
}

export const MESSAGE_BATCH_LIMITS: MessageBatchLimits = Object.freeze({
  maxRequests: MESSAGE_BATCH_MAX_REQUESTS,
  maxBytes: MESSAGE_BATCH_MAX_BYTES,
});

export interface MessageBatchProblem {
  /** invalid_request: the requests must change; too_large: they must be split. */
  readonly kind: 'invalid_request' | 'too_large';
  readonly message: string;
}

/**
 * Why these requests cannot be one Message Batch (none, too many, too big, a bad or repeated
 * custom_id), or undefined. Checked before sending, so the user reads which request is wrong
 * rather than a bare 400, and nothing is sent that the API would refuse.
 */
export function messageBatchProblem(
  requests: readonly MessageBatchRequest[],
  limits: MessageBatchLimits = MESSAGE_BATCH_LIMITS,
): MessageBatchProblem | undefined {
  const invalid = (message: string): MessageBatchProblem => ({ kind: 'invalid_request', message });
  if (requests.length === 0) return invalid('A Message Batch needs at least one request, got none');
  if (requests.length > limits.maxRequests) {
    return { kind: 'too_large', message: `A Message Batch holds at most ${limits.maxRequests} requests, got ${requests.length}: split it` };
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < requests.length; i++) {
    const id = requests[i]!.customId;
    if (typeof id !== 'string' || !CUSTOM_ID_PATTERN.test(id)) {
      return invalid(
        `Message Batch request ${i}: custom_id ${JSON.stringify(id)} must match ${CUSTOM_ID_PATTERN.source} (1 to 64 letters, digits, _ or -)`,
      );
    }
    const earlier = seen.get(id);
    if (earlier !== undefined)
      return invalid(`Message Batch requests ${earlier} and ${i} share the custom_id "${id}": it must be unique within a batch`);
    seen.set(id, i);
  }
  const bytes = messageBatchBodyBytes(requests);
  if (bytes > limits.maxBytes) {
    return { kind: 'too_large', message: `A Message Batch body is at most ${limits.maxBytes} bytes, this one is ${bytes}: split it` };
  }
  return undefined;
}
