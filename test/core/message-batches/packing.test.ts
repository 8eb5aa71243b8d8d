import { strict as assert } from 'node:assert';
import { customIdFor, CUSTOM_ID_PATTERN } from '../../../src/core/message-batches/custom-ids';
import { packRequests, requestBytes } from '../../../src/core/message-batches/packing';
import type { MessageBatchRequest } from '../../../src/core/api/message-batch-api';

const req = (i: number, text = 'x'): MessageBatchRequest => ({
  customId: `c${i}`,
  params: { model: 'claude-haiku-5-5', maxTokens: 10, messages: [{ role: 'user', content: text }] },
});

describe('Message Batches packing and custom_id', () => {
  it('splits at the request limit, keeping order', () => {
    const packs = packRequests(
      Array.from({ length: 25 }, (_, i) => req(i)),
      { maxRequests: 10, maxBytes: 1 << 30 },
    );
    assert.deepEqual(
      packs.map((p) => p.length),
      [10, 10, 5],
    );
    assert.deepEqual(
      packs.flat().map((r) => r.customId),
      Array.from({ length: 25 }, (_, i) => `c${i}`),
    );
  });

  it('splits at the byte limit, never refusing', () => {
    const big = 'y'.repeat(40_000);
    const requests = Array.from({ length: 9 }, (_, i) => req(i, big));
    const size = requestBytes(requests[0]!);
    const packs = packRequests(requests, { maxRequests: 100_000, maxBytes: 15 + 3 * size });
    assert.deepEqual(
      packs.map((p) => p.length),
      [3, 3, 3],
    );
  });

  it('custom_id is the conversation id (single) or the id and message (turns), the same on every run', () => {
    assert.equal(customIdFor('kb-0123456789ab'), 'kb-0123456789ab');
    assert.equal(customIdFor('kb-0123456789ab', 3), 'kb-0123456789ab_m3');
    assert.equal(customIdFor('kb-0123456789ab', 3), customIdFor('kb-0123456789ab', 3));
  });

  it('hashes an id that would break the 64-character rule, distinctly per id and message', () => {
    const long = 'a'.repeat(60);
    const a = customIdFor(long, 12);
    const b = customIdFor(`${long}b`, 12);
    for (const id of [a, b, customIdFor('has space')]) assert.match(id, CUSTOM_ID_PATTERN);
    assert.notEqual(a, b);
    assert.notEqual(customIdFor(long, 1), customIdFor(long, 2));
  });
});
