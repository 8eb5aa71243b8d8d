import assert from 'node:assert/strict';
import type { MessageBatchRequest } from '../../../src/core/api/message-batch-api';
import {
  MESSAGE_BATCH_LIMITS,
  messageBatchBodyBytes,
  messageBatchProblem,
  messageBatchRequestBytes,
} from '../../../src/core/api/message-batch-limits';

const request = (customId: string, text = 'Hello'): MessageBatchRequest => ({
  customId,
  params: { model: 'claude-haiku-5-5', messages: [{ role: 'user', content: text }], maxTokens: 100 },
});

describe('Message Batch limits', () => {
  it('accepts the custom_id rule exactly: 1 to 64 of letters, digits, _ and -', () => {
    assert.equal(messageBatchProblem([request('a'), request('A-z_09'), request('x'.repeat(64))]), undefined);
    for (const bad of ['', 'x'.repeat(65), 'a.b', 'a/b', 'é', 'a b']) {
      const problem = messageBatchProblem([request(bad)]);
      assert.equal(problem?.kind, 'invalid_request', `"${bad}" is refused`);
      assert.match(problem!.message, /request 0: custom_id/);
    }
  });

  it('tells too many requests and too many bytes apart from bad input: both mean split', () => {
    const three = [request('a'), request('b'), request('c')];
    assert.deepEqual(messageBatchProblem(three, { maxRequests: 2, maxBytes: 1e9 }), {
      kind: 'too_large',
      message: 'A Message Batch holds at most 2 requests, got 3: split it',
    });
    const bytes = messageBatchBodyBytes(three);
    assert.equal(messageBatchProblem(three, { maxRequests: 3, maxBytes: bytes }), undefined, 'exactly at the limit fits');
    assert.equal(messageBatchProblem(three, { maxRequests: 3, maxBytes: bytes - 1 })?.kind, 'too_large');
    assert.equal(MESSAGE_BATCH_LIMITS.maxRequests, 100_000);
    assert.equal(MESSAGE_BATCH_LIMITS.maxBytes, 256_000_000);
  });

  it('sizes a body as the sum of its requests plus the envelope, in UTF-8 bytes', () => {
    const a = request('a', 'plain');
    const b = request('b', 'ünïcödé ✓');
    const body = JSON.stringify({
      requests: [a, b].map((r) => ({
        custom_id: r.customId,
        params: { model: r.params.model, max_tokens: r.params.maxTokens, messages: r.params.messages },
      })),
    });
    assert.equal(messageBatchBodyBytes([a, b]), Buffer.byteLength(body));
    const line = JSON.stringify({ custom_id: 'b', params: { model: 'claude-haiku-5-5', max_tokens: 100, messages: b.params.messages } });
    assert.equal(messageBatchRequestBytes(b), Buffer.byteLength(line) + 1);
    assert.ok(messageBatchRequestBytes(b) > line.length + 1, 'multi-byte characters count as bytes, not characters');
  });
});
