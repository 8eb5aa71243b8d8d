import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A tiny loopback HTTP server whose handler each test sets, so the caller can be driven through the real
 * SDK and a real socket into exactly the wire states we want: canned JSON, SSE, errors, broken sockets.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void;

export interface CannedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startCannedServer(): Promise<CannedServer> {
  let handler: Handler = (_req, res) => json(res, 500, { error: 'no handler set' });
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const RATE_HEADERS: Record<string, string> = {
  'request-id': 'req_canned',
  'anthropic-ratelimit-requests-limit': '1000',
  'anthropic-ratelimit-requests-remaining': '999',
  'anthropic-ratelimit-requests-reset': '2026-11-23T12:00:01Z',
  'anthropic-ratelimit-input-tokens-limit': '2000000',
  'anthropic-ratelimit-input-tokens-remaining': '1999000',
  'anthropic-ratelimit-input-tokens-reset': '2026-11-23T12:00:01Z',
  'anthropic-ratelimit-output-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-remaining': '400000',
  'anthropic-ratelimit-output-tokens-reset': '2026-11-23T12:00:01Z',
};

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sseHead(res: http.ServerResponse, headers: Record<string, string> = RATE_HEADERS): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
}

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function errorBody(type: string, message: string, errorCode?: string): unknown {
  return {
    type: 'error',
    error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) },
    request_id: 'req_error',
  };
}

const MODEL = 'claude-haiku-5-5';

/** A complete message whose first block is thinking, as current models send it. */
export const THINKING_FIRST_MESSAGE = {
  id: 'msg_canned',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [
    { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
    { type: 'text', text: 'Hello' },
    { type: 'text', text: ' world' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 25, output_tokens: 12, cache_creation_input_tokens: null, cache_read_input_tokens: 7 },
};

/** The opening of a stream: message_start, then a thinking block. */
export function streamOpening(): string {
  return (
    sse('message_start', {
      type: 'message_start',
      message: {
        ...THINKING_FIRST_MESSAGE,
        content: [],
        stop_reason: null,
        usage: { input_tokens: 25, output_tokens: 1, cache_creation_input_tokens: 3, cache_read_input_tokens: null },
      },
    }) +
    sse('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    }) +
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me think.' } }) +
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }) +
    sse('content_block_stop', { type: 'content_block_stop', index: 0 })
  );
}

/** The rest of a stream: two text blocks, a ping and an unknown event on the way, then the end. */
export function streamRest(): string {
  return (
    sse('ping', { type: 'ping' }) +
    sse('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }) +
    sse('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello' } }) +
    sse('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: ' world' } }) +
    sse('content_block_stop', { type: 'content_block_stop', index: 1 }) +
    sse('some_future_event', { type: 'some_future_event' }) +
    sse('content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } }) +
    sse('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: '!' } }) +
    sse('content_block_stop', { type: 'content_block_stop', index: 2 }) +
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 12 },
    }) +
    sse('message_stop', { type: 'message_stop' })
  );
}
