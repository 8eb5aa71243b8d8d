import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../../src/core/api/types';
import { validateConversation } from '../../../../src/core/generate/validate/conversation';

const u = (content: string): ChatMessage => ({ role: 'user', content });
const a = (content: string): ChatMessage => ({ role: 'assistant', content });

function reasonOf(messages: ChatMessage[], expected = messages.length): string | undefined {
  const r = validateConversation(messages, expected);
  return r.ok ? undefined : r.reason;
}

describe('validateConversation', () => {
  it('accepts an alternating conversation of the expected length', () => {
    assert.deepEqual(validateConversation([u('Hi there'), a('Hello! How can I help?')], 2), { ok: true });
  });

  it('rejects the wrong number of messages', () => {
    assert.equal(reasonOf([u('a'), a('b'), u('c'), a('d'), u('e')], 6), 'expected 6 messages, got 5');
  });

  it('rejects broken alternation and an assistant first', () => {
    assert.equal(reasonOf([u('a'), a('b'), u('c'), u('d')]), 'roles must alternate: message 4 is user after user');
    assert.equal(reasonOf([a('b'), u('c')]), 'message 1 must be user, got assistant');
  });

  it('rejects a message that is empty after trimming', () => {
    assert.equal(reasonOf([u('a'), a('b'), u('  \n\t '), a('d')]), 'message 3 is empty');
  });

  it('rejects a message that is itself a refusal', () => {
    assert.equal(reasonOf([u('Help me'), a("I'm sorry, but I can't help with that.")]), 'message 2 is a refusal');
    assert.equal(reasonOf([u('Help me'), a('I can\u2019t assist with that request.')]), 'message 2 is a refusal');
  });

  it('rejects leftover role labels, but not other "Word:" openings', () => {
    assert.equal(reasonOf([u('User: my tyre is flat'), a('ok')]), 'message 1 starts with a role label "User:"');
    assert.equal(reasonOf([u('hi'), a('**Assistant:** sure')]), 'message 2 starts with a role label "Assistant:"');
    assert.equal(reasonOf([u('System: macOS 14. My app crashes.'), a('Let us look.')]), undefined);
  });

  it('rejects obviously truncated messages', () => {
    assert.equal(reasonOf([u('code?'), a('Sure:\n```js\nconst x = 1;\n')]), 'message 2 looks truncated (unclosed code block)');
    assert.equal(reasonOf([u('hi'), a('First you need to remove the wheel,')]), 'message 2 looks truncated (ends with ",")');
    assert.equal(reasonOf([u('code?'), a('Sure:\n```js\nconst x = 1;\n```\nDone.')]), undefined);
  });
});
