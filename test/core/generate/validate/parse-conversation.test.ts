import assert from 'node:assert/strict';
import { parseConversation } from '../../../../src/core/generate/validate/parse-conversation';

const TWO = [
  { role: 'user', content: 'My tyre is flat.' },
  { role: 'assistant', content: 'Let us patch it.' },
];

describe('parseConversation', () => {
  it('reads {messages} wrapped in a code fence with prose around it', () => {
    const text = `Here is the conversation you asked for:\n\n\`\`\`json\n${JSON.stringify({ messages: TWO }, null, 2)}\n\`\`\`\n\nLet me know if you need more!`;
    assert.deepEqual(parseConversation(text), { ok: true, messages: TWO });
  });

  it('reads a bare array, and JSON after prose without a fence', () => {
    assert.deepEqual(parseConversation(JSON.stringify(TWO)), { ok: true, messages: TWO });
    assert.deepEqual(parseConversation(`Sure [see below]: ${JSON.stringify({ messages: TWO })} Enjoy.`), {
      ok: true,
      messages: TWO,
    });
  });

  it('normalises role names and ShareGPT shapes, and drops a leading system entry', () => {
    const sharegpt = {
      conversations: [
        { from: 'system', value: 'be nice' },
        { from: 'human', value: 'My tyre is flat.' },
        { from: 'gpt', value: 'Let us patch it.' },
      ],
    };
    assert.deepEqual(parseConversation(JSON.stringify(sharegpt)), { ok: true, messages: TWO });
    const blocks = [
      { role: 'Human', content: [{ type: 'text', text: 'My tyre is flat.' }] },
      { role: 'AI', content: ' Let us patch it. ' },
    ];
    assert.deepEqual(parseConversation(JSON.stringify(blocks)), { ok: true, messages: TWO });
  });

  it('keeps braces inside strings from confusing the scanner', () => {
    const msgs = [
      { role: 'user', content: 'What does {"a": [1} mean?' },
      { role: 'assistant', content: 'It is broken JSON: a ] is missing.' },
    ];
    assert.deepEqual(parseConversation(`Output: ${JSON.stringify({ messages: msgs })}`), { ok: true, messages: msgs });
  });

  it('says why it cannot read a reply', () => {
    assert.deepEqual(parseConversation('Sorry, here is a story instead.'), { ok: false, reason: 'response is not JSON' });
    assert.deepEqual(parseConversation('{"dialogue": "no"}'), { ok: false, reason: 'JSON has no messages array' });
    assert.deepEqual(parseConversation('[{"role":"narrator","content":"x"}]'), {
      ok: false,
      reason: 'message 1 has an unknown role "narrator"',
    });
    assert.deepEqual(parseConversation('[{"role":"user","content":42}]'), {
      ok: false,
      reason: 'message 1 has no text content',
    });
  });
});
