import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from '@anthropic-ai/sdk';
import { systemClock } from '../clock';
import { redact } from '../errors';
import { mapMessage } from './map-message';
import { startDeadline, type RequestDeadline } from './request-deadline';
import { messageBody, type MessageBody } from './message-body';
import type { ModelCaller, ModelRequest, ModelResponse, TokenCountRequest } from './types';
import { expectedText, expectInteger, expectNonEmptyString } from '../validate';

/**
 * The one module that imports `@anthropic-ai/sdk`. It turns a ModelRequest into one HTTP request and
 * hands back what the engine needs; retries, pacing and error policy live elsewhere (queue/ and errors.ts).
 */
export interface AnthropicCallerOptions {
  apiKey: string;
  /** Defaults to the SDK's own choice: `ANTHROPIC_BASE_URL`, else the public API. */
  baseURL?: string;
  /**
   * Longest wait for the response headers, then (streaming) for the next event or (non-streaming) for
   * the body. Defaults to the SDK's 10 minutes.
   */
  timeoutMs?: number;
  /** Stream responses (default). Streaming lets long generations run without the SDK's 10-minute cap. */
  stream?: boolean;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

// Kept importable from here: render and tests read the body the caller sends.
export { messageBody, splitAt, type MessageBody } from './message-body';

const DEFAULT_TIMEOUT_MS = 600_000;

export function createAnthropicCaller(options: AnthropicCallerOptions): ModelCaller {
  const { apiKey, baseURL, timeoutMs = DEFAULT_TIMEOUT_MS, stream = true } = validate(options);
  const client = new Anthropic({
    apiKey,
    // Left undefined, the SDK falls back to ANTHROPIC_BASE_URL itself.
    baseURL,
    // The processor owns every retry: an SDK retry would sleep while holding a concurrency slot.
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function guarded<T>(signal: AbortSignal | undefined, run: (deadline: RequestDeadline) => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new APIUserAbortError();
    const deadline = startDeadline(systemClock, timeoutMs, signal);
    try {
      return await run(deadline);
    } catch (err) {
      throw translate(err, signal, deadline, apiKey);
    } finally {
      deadline.dispose();
    }
  }

  async function sendStreaming(
    body: MessageBody,
    deadline: RequestDeadline,
    onHeaders?: ModelRequest['onHeaders'],
    onBegin?: () => void,
  ): Promise<ModelResponse> {
    const messageStream = client.messages.stream(body, { signal: deadline.signal, timeout: timeoutMs });
    messageStream.on('streamEvent', () => deadline.touch());
    // Resolves as soon as the response's headers are in, before the first event of the body.
    const { response } = await messageStream.withResponse();
    if (onHeaders) announceHeaders(onHeaders, response.headers);
    onBegin?.();
    await messageStream.done();
    const message = messageStream.receivedMessages.at(-1);
    // A stream closed cleanly before message_stop is a broken connection, not a finished answer.
    if (!message) throw new APIConnectionError({ message: 'The stream ended before message_stop.' });
    return mapMessage(message, response.headers);
  }

  async function sendOnce(body: MessageBody, deadline: RequestDeadline, onBegin?: () => void): Promise<ModelResponse> {
    // An explicit timeout also stops the SDK refusing non-streaming requests with a large max_tokens.
    const { data, response } = await client.messages.create(body, { signal: deadline.signal, timeout: timeoutMs }).withResponse();
    onBegin?.();
    return mapMessage(data, response.headers);
  }

  return {
    send(request: ModelRequest): Promise<ModelResponse> {
      const body = messageBody(request);
      const begin = request.onResponseBegin;
      return guarded(request.signal, (deadline) =>
        stream ? sendStreaming(body, deadline, request.onHeaders, begin) : sendOnce(body, deadline, begin),
      );
    },
    countTokens(request: TokenCountRequest): Promise<number> {
      return guarded(request.signal, async (deadline) => {
        const result = await client.messages.countTokens(
          { model: request.model, messages: request.messages, ...(request.system ? { system: request.system } : {}) },
          { signal: deadline.signal, timeout: timeoutMs },
        );
        return result.input_tokens;
      });
    },
  };
}

/** A listener's mistake must not break the request it listens to. */
function announceHeaders(onHeaders: NonNullable<ModelRequest['onHeaders']>, headers: Headers): void {
  try {
    onHeaders(headers);
  } catch {
    // The same headers come back with the response; nothing is lost.
  }
}

/**
 * Errors leave as the SDK raised them, so classify() sees the real classes, with three exceptions:
 * the caller's abort is always an abort (a non-streaming body read raises a bare DOMException), our
 * own deadline is a timeout rather than an abort, and the key is scrubbed from every message.
 */
function translate(err: unknown, signal: AbortSignal | undefined, deadline: RequestDeadline, apiKey: string): unknown {
  if (signal?.aborted) return err instanceof APIUserAbortError ? err : new APIUserAbortError();
  if (deadline.expired) return new APIConnectionTimeoutError();
  return scrubSecret(err, apiKey);
}

function scrubSecret(err: unknown, secret: string): unknown {
  if (!(err instanceof Error)) return err;
  const clean = (text: string) => redact(text.split(secret).join('…'));
  const target = err as Error & { apiMessage?: unknown };
  target.message = clean(target.message);
  if (target.stack) target.stack = clean(target.stack);
  if (typeof target.apiMessage === 'string') target.apiMessage = clean(target.apiMessage);
  return err;
}

function validate(options: AnthropicCallerOptions): AnthropicCallerOptions {
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    // Never echo the value: it may be a real key in the wrong shape.
    const got = typeof options.apiKey === 'string' ? 'an empty string' : `a value of type ${describeType(options.apiKey)}`;
    throw new TypeError(`${expectedText('apiKey', 'a non-empty string', '').split(', got ')[0]}, got ${got}`);
  }
  if (options.baseURL !== undefined) expectNonEmptyString('baseURL', options.baseURL);
  if (options.timeoutMs !== undefined) expectInteger('timeoutMs', options.timeoutMs, 1);
  return options;
}

function describeType(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
