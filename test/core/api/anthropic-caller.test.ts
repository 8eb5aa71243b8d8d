import assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } from '@anthropic-ai/sdk';
import { createAnthropicCaller, type AnthropicCallerOptions } from '../../../src/core/api/anthropic-caller';
import type { ModelRequest } from '../../../src/core/api/types';
import { classify } from '../../../src/core/errors';
import {
  errorBody,
  json,
  RATE_HEADERS,
  sse,
  sseHead,
  startCannedServer,
  streamOpening,
  streamRest,
  THINKING_FIRST_MESSAGE,
  type CannedServer,
} from './support/canned-server';
import { rejection } from './support/rejection';
import { fakeApiKey } from '../../support/fake-api-key';

const KEY = fakeApiKey('api03-test_KEY-0123456789abcdef');

const REQUEST: ModelRequest = {
  model: 'claude-haiku-5-5',
  system: 'You write dialogues.',
  messages: [{ role: 'user', content: 'Write one.' }],
  maxTokens: 1024,
};

describe('anthropic caller (canned loopback server, real SDK)', () => {
  let server: CannedServer;
  const caller = (extra: Partial<AnthropicCallerOptions> = {}) => createAnthropicCaller({ apiKey: KEY, baseURL: server.url, ...extra });

  beforeEach(async () => {
    server = await startCannedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('streaming (default)', () => {
    it('hands the headers over when the response starts, before the body has ended', async () => {
      // The server holds the rest of the answer until the headers have been handed over: were they
      // only read at the end, the answer would never end.
      let rest: (() => void) | undefined;
      server.handle((_req, res) => {
        sseHead(res);
        res.write(streamOpening());
        rest = () => res.end(streamRest());
      });
      const seen: string[] = [];
      const r = await caller().send({
        ...REQUEST,
        onHeaders: (h) => {
          seen.push(String(h.get('anthropic-ratelimit-requests-remaining')));
          rest?.();
        },
      });
      assert.deepEqual(seen, ['999']);
      assert.equal(r.text, 'Hello world!');
    }).timeout(20_000);

    it('a throwing headers listener does not break the request', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.end(streamOpening() + streamRest());
      });
      const r = await caller().send({
        ...REQUEST,
        onHeaders: () => {
          throw new Error('listener bug');
        },
      });
      assert.equal(r.text, 'Hello world!');
    });

    it('returns the text blocks joined, skipping the thinking block that comes first', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.end(streamOpening() + streamRest());
      });
      const r = await caller().send(REQUEST);
      assert.equal(r.text, 'Hello world!');
      assert.equal(r.stopReason, 'end_turn');
      assert.deepEqual(r.usage, { inputTokens: 25, outputTokens: 12, cacheCreationInputTokens: 3, cacheReadInputTokens: 0 });
      assert.equal(r.headers.get('anthropic-ratelimit-requests-remaining'), '999');
      assert.equal(r.requestId, 'req_canned');
      assert.equal(r.model, 'claude-haiku-5-5');
    });

    it('sends only model, max_tokens, messages, system and stream: no sampling knobs, no tool_choice', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.end(streamOpening() + streamRest());
      });
      await caller().send(REQUEST);
      assert.equal(server.requests.length, 1);
      const [req] = server.requests;
      assert.equal(req!.url, '/v1/messages');
      assert.deepEqual(Object.keys(req!.body).sort(), ['max_tokens', 'messages', 'model', 'stream', 'system']);
      assert.equal(req!.body['stream'], true);
      assert.equal(req!.headers['anthropic-version'], '2026-10-21');
      assert.equal(req!.headers['authorization'], `Bearer ${KEY}`);
    });

    it('an `event: error` mid-stream rejects with the status-less APIError that classify calls overloaded', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.end(streamOpening() + sse('error', errorBody('overloaded_error', 'Overloaded')));
      });
      const err = await rejection(caller().send(REQUEST));
      assert.ok(err instanceof APIError, String(err));
      assert.equal(err.status, undefined);
      const c = classify(err);
      assert.equal(c.kind, 'overloaded');
      assert.equal(c.action, 'backoff');
      assert.equal(c.requestId, 'req_canned');
      assert.equal(server.requests.length, 1, 'the SDK must not retry');
    });

    it('a socket destroyed mid-stream is a network error', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.write(streamOpening(), () => setTimeout(() => res.socket?.destroy(), 10));
      });
      const err = await rejection(caller().send(REQUEST));
      assert.equal(classify(err).kind, 'network', String(err));
    });

    it('a stream closed cleanly before message_stop is a network error, not a finished answer', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.end(streamOpening());
      });
      const err = await rejection(caller().send(REQUEST));
      assert.ok(err instanceof APIConnectionError, String(err));
      assert.equal(classify(err).kind, 'network');
    });

    it('aborting the signal mid-stream rejects with an abort that classify calls cancelled', async () => {
      const controller = new AbortController();
      server.handle((_req, res) => {
        sseHead(res);
        res.write(streamOpening(), () => setTimeout(() => controller.abort(), 10));
      });
      const err = await rejection(caller().send({ ...REQUEST, signal: controller.signal }));
      assert.ok(err instanceof APIUserAbortError, String(err));
      assert.equal(classify(err, controller.signal).kind, 'cancelled');
      assert.equal(classify(err).kind, 'cancelled');
    });

    it('an already-aborted signal rejects without touching the network', async () => {
      const controller = new AbortController();
      controller.abort();
      const err = await rejection(caller().send({ ...REQUEST, signal: controller.signal }));
      assert.ok(err instanceof APIUserAbortError);
      assert.equal(server.requests.length, 0);
    });

    it('a stream that stalls after its headers times out instead of holding the slot', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.write(streamOpening()); // ...and nothing more
      });
      const started = Date.now();
      const err = await rejection(caller({ timeoutMs: 150 }).send(REQUEST));
      assert.ok(err instanceof APIConnectionTimeoutError, String(err));
      assert.equal(classify(err).kind, 'timeout');
      // Long before the test's own timeout: the silence limit ended it, not mocha.
      assert.ok(Date.now() - started < 10_000);
    });

    it('a stream that keeps sending events outlives timeoutMs', async () => {
      server.handle((_req, res) => {
        sseHead(res);
        res.write(streamOpening());
        // Each event comes 250 ms after the last: 1.25 s in all against a 1 s silence limit, with
        // 750 ms to spare per gap for a busy machine's timer delays.
        const parts = [
          sse('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
          sse('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'slow' } }),
          sse('content_block_stop', { type: 'content_block_stop', index: 1 }),
          sse('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: 2 },
          }) + sse('message_stop', { type: 'message_stop' }),
        ];
        const next = () => {
          const part = parts.shift();
          if (part === undefined) return void res.end();
          res.write(part);
          setTimeout(next, 250);
        };
        setTimeout(next, 250);
      });
      const r = await caller({ timeoutMs: 1000 }).send(REQUEST);
      assert.equal(r.text, 'slow');
    });
  });

  describe('non-streaming', () => {
    it('returns text/usage/headers from a JSON message whose first block is thinking', async () => {
      server.handle((_req, res) => json(res, 200, THINKING_FIRST_MESSAGE, RATE_HEADERS));
      const r = await caller({ stream: false }).send(REQUEST);
      assert.equal(r.text, 'Hello world');
      assert.deepEqual(r.usage, { inputTokens: 25, outputTokens: 12, cacheCreationInputTokens: 0, cacheReadInputTokens: 7 });
      assert.equal(r.headers.get('anthropic-ratelimit-input-tokens-remaining'), '1999000');
      assert.equal(r.requestId, 'req_canned');
      const body = server.requests[0]!.body;
      assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'model', 'system']);
    });

    it('accepts a large max_tokens (the SDK refuses it unless a timeout is set)', async () => {
      server.handle((_req, res) => json(res, 200, THINKING_FIRST_MESSAGE, RATE_HEADERS));
      const r = await caller({ stream: false }).send({ ...REQUEST, maxTokens: 64_000 });
      assert.equal(r.text, 'Hello world');
    });

    it('a 429 rejects at once (no SDK retry) with retry-after and the rate-limit headers', async () => {
      server.handle((_req, res) =>
        json(res, 429, errorBody('rate_limit_error', 'Number of requests has exceeded your rate limit'), {
          ...RATE_HEADERS,
          'anthropic-ratelimit-requests-remaining': '0',
          'retry-after': '2',
        }),
      );
      const err = await rejection(caller({ stream: false }).send(REQUEST));
      assert.ok(err instanceof RateLimitError, String(err));
      const c = classify(err);
      assert.equal(c.kind, 'rate_limited');
      assert.equal(c.retryAfterMs, 2000);
      assert.equal(c.headers?.get('anthropic-ratelimit-requests-remaining'), '0');
      assert.equal(server.requests.length, 1, 'maxRetries must be 0');
    });

    it('a 529 is not retried by the SDK either', async () => {
      server.handle((_req, res) => json(res, 529, errorBody('overloaded_error', 'Overloaded'), { 'x-should-retry': 'true' }));
      const err = await rejection(caller().send(REQUEST));
      assert.equal(classify(err).kind, 'overloaded');
      assert.equal(server.requests.length, 1);
    });

    it('a socket destroyed before the response is a network error', async () => {
      server.handle((_req, res) => res.socket?.destroy());
      const err = await rejection(caller({ stream: false }).send(REQUEST));
      assert.ok(err instanceof APIConnectionError, String(err));
      assert.equal(classify(err).kind, 'network');
    });

    it('aborting while the body is being read is still an abort', async () => {
      const controller = new AbortController();
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...RATE_HEADERS });
        res.write('{"id":"msg_', () => setTimeout(() => controller.abort(), 10));
      });
      const err = await rejection(caller({ stream: false }).send({ ...REQUEST, signal: controller.signal }));
      assert.ok(err instanceof APIUserAbortError, String(err));
      assert.equal(classify(err, controller.signal).kind, 'cancelled');
    });

    it('a response that never comes times out', async () => {
      server.handle(() => undefined);
      const err = await rejection(caller({ stream: false, timeoutMs: 150 }).send(REQUEST));
      assert.ok(err instanceof APIConnectionTimeoutError, String(err));
      assert.equal(classify(err).kind, 'timeout');
    });
  });

  describe('countTokens', () => {
    it('posts model/system/messages without max_tokens and returns input_tokens', async () => {
      server.handle((_req, res) => json(res, 200, { input_tokens: 321 }));
      const n = await caller().countTokens({ model: REQUEST.model, system: REQUEST.system, messages: REQUEST.messages });
      assert.equal(n, 321);
      const [req] = server.requests;
      assert.equal(req!.url, '/v1/messages/count_tokens');
      assert.deepEqual(Object.keys(req!.body).sort(), ['messages', 'model', 'system']);
    });
  });

  describe('the API key', () => {
    it('never appears in an error, even when the server echoes it back', async () => {
      server.handle((req, res) =>
        json(res, 401, errorBody('authentication_error', `invalid x-api-key: ${String(req.headers['authorization'])}`)),
      );
      const err = await rejection(caller({ stream: false }).send(REQUEST));
      assert.ok(err instanceof APIError);
      assert.equal(classify(err).kind, 'auth');
      for (const text of [err.message, String(err.stack), String(err.apiMessage), classify(err).message]) {
        assert.ok(!text.includes(KEY), text);
      }
    });

    it('is not echoed by option validation', () => {
      assert.throws(() => createAnthropicCaller({ apiKey: '' }), /Expected `apiKey` to be a non-empty string, got an empty string/);
      assert.throws(
        () => createAnthropicCaller({ apiKey: KEY, timeoutMs: 0 }),
        (e: Error) => /`timeoutMs` to be an integer from 1 and up, got `0`/.test(e.message) && !e.message.includes(KEY),
      );
    });
  });

  describe('client construction', () => {
    it('falls back to ANTHROPIC_BASE_URL when no baseURL is given', async () => {
      server.handle((_req, res) => json(res, 200, { input_tokens: 1 }));
      const saved = process.env['ANTHROPIC_BASE_URL'];
      process.env['ANTHROPIC_BASE_URL'] = server.url;
      try {
        const n = await createAnthropicCaller({ apiKey: KEY }).countTokens({ model: 'm', messages: REQUEST.messages });
        assert.equal(n, 1);
        assert.equal(server.requests.length, 1);
      } finally {
        if (saved === undefined) delete process.env['ANTHROPIC_BASE_URL'];
        else process.env['ANTHROPIC_BASE_URL'] = saved;
      }
    });

    it('uses the injected fetch', async () => {
      server.handle((_req, res) => json(res, 200, { input_tokens: 2 }));
      let calls = 0;
      const counting: AnthropicCallerOptions['fetch'] = (input, init) => {
        calls++;
        return fetch(input, init);
      };
      await caller({ fetch: counting }).countTokens({ model: 'm', messages: REQUEST.messages });
      assert.equal(calls, 1);
    });
  });
});
