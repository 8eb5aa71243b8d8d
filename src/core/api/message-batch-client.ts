import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { classify, ForgeError, redact } from '../errors';
import { mapUsage, textOf, type WireMessage } from './map-message';
import type { MessageBatchApi, MessageBatchPage, MessageBatchResult, MessageBatchStatus, RemoteMessageBatch } from './message-batch-api';
import { messageBatchLine, messageBatchProblem } from './message-batch-limits';
import { expectInteger, expectNonEmptyString } from '../validate';

export {
  CUSTOM_ID_PATTERN,
  MESSAGE_BATCH_LIMITS,
  messageBatchProblem,
  MESSAGE_BATCH_ENVELOPE_BYTES,
  MESSAGE_BATCH_MAX_BYTES,
  MESSAGE_BATCH_MAX_REQUESTS,
  messageBatchBodyBytes,
  messageBatchRequestBytes,
} from './message-batch-limits';

/**
 * The Message Batches API through the SDK (the second module allowed to import it, beside
 * anthropic-caller.ts). Every failure leaves as a ForgeError whose kind errors.ts decided, so the
 * runner switches on kinds; the SDK never retries (maxRetries 0): a retried create could make a
 * second batch, and polling pace belongs to the runner.
 */
export interface MessageBatchClientOptions {
  apiKey: string;
  /** Defaults to the SDK's own choice: `ANTHROPIC_BASE_URL`, else the public API. */
  baseURL?: string;
  /** Longest wait for one call (a results download included). Defaults to the SDK's 10 minutes. */
  timeoutMs?: number;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export function createMessageBatchClient(options: MessageBatchClientOptions): MessageBatchApi {
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    // Never echo the value: it may be a real key in the wrong shape.
    throw new TypeError('Expected `apiKey` to be a non-empty string');
  }
  if (options.baseURL !== undefined) expectNonEmptyString('baseURL', options.baseURL);
  if (options.timeoutMs !== undefined) expectInteger('timeoutMs', options.timeoutMs, 1);
  const apiKey = options.apiKey;
  const client = new Anthropic({
    apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const batches = client.messages.batches;

  async function call<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new ForgeError('cancelled', 'cancelled');
    try {
      return await run();
    } catch (err) {
      throw toForgeError(err, signal, apiKey);
    }
  }

  return {
    create(requests, signal) {
      const problem = messageBatchProblem(requests);
      if (problem) return Promise.reject(new ForgeError(problem.kind, problem.message));
      const lines = requests.map(messageBatchLine);
      return call(signal, async () => mapBatch(await batches.create({ requests: lines }, { signal })));
    },
    retrieve(id, signal) {
      return call(signal, async () => mapBatch(await batches.retrieve(id, {}, { signal })));
    },
    list(page = {}, signal) {
      return call(signal, async (): Promise<MessageBatchPage> => {
        const result = await batches.list(
          { ...(page.afterId !== undefined ? { after_id: page.afterId } : {}), ...(page.limit !== undefined ? { limit: page.limit } : {}) },
          { signal },
        );
        return {
          batches: result.data.map(mapBatch),
          hasMore: result.has_more,
          ...(result.last_id ? { lastId: result.last_id } : {}),
        };
      });
    },
    cancel(id, signal) {
      return call(signal, async () => mapBatch(await batches.cancel(id, {}, { signal })));
    },
    results(id, signal) {
      return {
        async *[Symbol.asyncIterator](): AsyncIterator<MessageBatchResult> {
          const decoder = await call(signal, () => batches.results(id, {}, { signal }));
          const iterator = decoder[Symbol.asyncIterator]();
          let finished = false;
          try {
            for (;;) {
              const next = await call(signal, () => iterator.next());
              if (next.done) {
                finished = true;
                return;
              }
              yield mapResult(next.value);
            }
          } finally {
            // a reader that stops early (or a bad line) must not leave the download holding a connection
            if (!finished) decoder.controller.abort();
          }
        },
      };
    },
  };
}

/** One place turns anything thrown into a ForgeError whose kind errors.ts decided. */
function toForgeError(err: unknown, signal: AbortSignal | undefined, apiKey: string): ForgeError {
  if (err instanceof ForgeError) return err;
  if (signal?.aborted || err instanceof APIUserAbortError) return new ForgeError('cancelled', 'cancelled', { cause: err });
  // the JSONL decoder met a line that is not JSON: the file is damaged, and reading it again may mend it
  if (err instanceof SyntaxError) return new ForgeError('server', `malformed Message Batch result line: ${err.message}`, { cause: err });
  const raw = err instanceof Error ? err.message : String(err);
  const { status, apiMessage } = err as { status?: unknown; apiMessage?: unknown };
  // the same detail classify() would show: "404 Message Batch … not found", not the body's JSON
  const text = typeof status === 'number' && typeof apiMessage === 'string' ? `${status} ${apiMessage}` : raw;
  const detail = redact(text.split(apiKey).join('…')).replace(/\s+/g, ' ').trim().slice(0, 500);
  // The SDK refuses to download before the batch has ended: asking too early is a caller's mistake.
  if (/results_url/.test(raw) && status === undefined) {
    return new ForgeError('invalid_request', `no results yet: ${detail}`, { cause: err });
  }
  const c = classify(err, signal);
  return new ForgeError(c.kind, detail, { cause: err, ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}) });
}

function epochMs(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

export function mapBatch(b: MessageBatch): RemoteMessageBatch {
  const status: MessageBatchStatus = b.processing_status;
  const endedAt = epochMs(b.ended_at);
  return {
    id: b.id,
    status,
    // The API reports zeros until the whole batch has ended; the contract leaves counts out until then.
    ...(status === 'ended' && b.request_counts ? { counts: { ...b.request_counts } } : {}),
    createdAt: epochMs(b.created_at) ?? 0,
    expiresAt: epochMs(b.expires_at) ?? 0,
    ...(endedAt !== undefined ? { endedAt } : {}),
  };
}

export function mapResult(line: MessageBatchIndividualResponse): MessageBatchResult {
  const customId = line?.custom_id;
  const result = line?.result as { type?: unknown } | undefined;
  if (typeof customId !== 'string' || !result) throw malformed(line);
  switch (result.type) {
    case 'succeeded': {
      const message = (line.result as { message?: WireMessage }).message;
      if (!message || !Array.isArray(message.content) || !message.usage) throw malformed(line);
      return {
        customId,
        type: 'succeeded',
        response: { text: textOf(message.content), stopReason: message.stop_reason, usage: mapUsage(message.usage), model: message.model },
      };
    }
    case 'errored': {
      // The error type sits two levels down: result.error (the error response) .error (the error object) .type.
      const error = (line.result as { error?: { error?: { type?: unknown; message?: unknown } } }).error?.error;
      const errorType = typeof error?.type === 'string' ? error.type : 'api_error';
      return { customId, type: 'errored', errorType, message: typeof error?.message === 'string' ? error.message : '' };
    }
    case 'canceled':
    case 'expired':
      return { customId, type: result.type };
    default:
      throw malformed(line);
  }
}

function malformed(line: unknown): ForgeError {
  let text: string;
  try {
    text = JSON.stringify(line).slice(0, 200);
  } catch {
    text = String(line);
  }
  // A line we cannot read is the server's fault; reading the file again may give a good one.
  return new ForgeError('server', `malformed Message Batch result line: ${text}`);
}
