import assert from 'node:assert/strict';
import { mapMessage, textOf } from '../../../src/core/api/map-message';

describe('map message', () => {
  it('joins text blocks by type, wherever thinking and tool blocks sit', () => {
    const text = textOf([
      { type: 'thinking', text: 'not this' },
      { type: 'text', text: 'a' },
      { type: 'redacted_thinking' },
      { type: 'text', text: 'b' },
      { type: 'tool_use' },
    ]);
    assert.equal(text, 'ab');
  });

  it('is empty when there is no text block', () => {
    assert.equal(textOf([{ type: 'thinking' }]), '');
  });

  it('maps null usage counters to 0 and takes the request id from the headers', () => {
    const headers = new Headers({ 'request-id': 'req_1' });
    const r = mapMessage(
      {
        model: 'claude-opus-5-5',
        content: [{ type: 'text', text: 'x' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: null, cache_read_input_tokens: null },
      },
      headers,
    );
    assert.deepEqual(r.usage, { inputTokens: 5, outputTokens: 6, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
    assert.equal(r.stopReason, 'max_tokens');
    assert.equal(r.requestId, 'req_1');
    assert.equal(r.headers, headers);
    assert.equal(r.model, 'claude-opus-5-5');
  });

  it('has no requestId when the header is missing', () => {
    const r = mapMessage({ model: 'm', content: [], stop_reason: null, usage: {} }, new Headers());
    assert.equal(r.requestId, undefined);
    assert.equal(r.stopReason, null);
  });
});
