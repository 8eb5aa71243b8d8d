import assert from 'node:assert/strict';
import { formatRecord } from '../../../../src/core/generate/output/formats';
import type { Conversation } from '../../../../src/core/generate/types';

const conv: Conversation = {
  messages: [
    { role: 'user', content: 'Where is my order?' },
    { role: 'assistant', content: 'Let me check.' },
    { role: 'user', content: 'Thanks' },
    { role: 'assistant', content: 'It ships today.' },
  ],
};

describe('output formats', () => {
  it('openai with and without a system prompt', () => {
    assert.deepEqual(formatRecord('openai', conv), {
      messages: [
        { role: 'user', content: 'Where is my order?' },
        { role: 'assistant', content: 'Let me check.' },
        { role: 'user', content: 'Thanks' },
        { role: 'assistant', content: 'It ships today.' },
      ],
    });
    const withSystem = formatRecord('openai', conv, 'Be brief.') as { messages: unknown[] };
    assert.deepEqual(withSystem.messages[0], { role: 'system', content: 'Be brief.' });
    assert.equal(withSystem.messages.length, 5);
  });

  it('sharegpt with and without a system prompt', () => {
    assert.deepEqual(formatRecord('sharegpt', conv), {
      conversations: [
        { from: 'human', value: 'Where is my order?' },
        { from: 'gpt', value: 'Let me check.' },
        { from: 'human', value: 'Thanks' },
        { from: 'gpt', value: 'It ships today.' },
      ],
    });
    assert.deepEqual(formatRecord('sharegpt', conv, 'Be brief.'), {
      conversations: [
        { from: 'system', value: 'Be brief.' },
        { from: 'human', value: 'Where is my order?' },
        { from: 'gpt', value: 'Let me check.' },
        { from: 'human', value: 'Thanks' },
        { from: 'gpt', value: 'It ships today.' },
      ],
    });
  });

  it('anthropic with and without a system prompt', () => {
    const plain = formatRecord('anthropic', conv);
    assert.equal('system' in plain, false);
    assert.deepEqual(plain, { messages: conv.messages });
    assert.deepEqual(formatRecord('anthropic', conv, 'Be brief.'), { system: 'Be brief.', messages: conv.messages });
  });

  it('an empty system prompt is left out', () => {
    assert.equal((formatRecord('openai', conv, '') as { messages: unknown[] }).messages.length, 4);
    assert.equal('system' in formatRecord('anthropic', conv, ''), false);
  });

  it('copies only role and text, so no metadata reaches the record', () => {
    const leaky = { messages: [{ role: 'user', content: 'q', id: 'msg_1', usage: { inputTokens: 3 } }] } as unknown as Conversation;
    for (const f of ['openai', 'anthropic'] as const) {
      assert.deepEqual(formatRecord(f, leaky), { messages: [{ role: 'user', content: 'q' }] });
    }
    assert.deepEqual(formatRecord('sharegpt', leaky), { conversations: [{ from: 'human', value: 'q' }] });
  });

  it('rejects an unknown format with a uniform message', () => {
    assert.throws(
      () => formatRecord('alpaca' as 'openai', conv),
      /Expected `format` to be one of `openai`, `sharegpt`, `anthropic`, got `alpaca`/,
    );
  });
});
