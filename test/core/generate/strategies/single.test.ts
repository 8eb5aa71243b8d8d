import assert from 'node:assert/strict';
import { classify, ForgeError } from '../../../../src/core/errors';
import { createConversationExecutor } from '../../../../src/core/generate/strategies/executor';
import { FakeCaller } from '../../../support/fake-caller';
import { conversationOf, ctxOf, jobOf, specOf } from './fixtures';

function runSingle(text: string, stopReason: string | null = 'end_turn', turns = 4) {
  const caller = new FakeCaller([{ text, stopReason, usage: { inputTokens: 300, outputTokens: 400 } }]);
  const job = jobOf(specOf({ strategy: 'single', turns }));
  const step = createConversationExecutor({ caller })(job, ctxOf());
  return { caller, job, step };
}

async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ForgeError, `expected a ForgeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the step to throw');
}

describe('strategy single', () => {
  it('builds one request: system + instruction block, and a last user message naming the count and JSON', async () => {
    const { caller, step } = runSingle(JSON.stringify({ messages: conversationOf(4) }));
    await step;
    const req = caller.requests[0]!;
    assert.equal(req.model, 'claude-haiku-5-5');
    assert.equal(req.maxTokens, 2000);
    assert.ok(req.system?.startsWith('Conversations are about a bike shop.\n\n'));
    assert.equal(req.messages.length, 1);
    const last = req.messages.at(-1)!;
    assert.equal(last.role, 'user');
    assert.ok(last.content.startsWith('A customer asks how to fix a flat tyre.'));
    assert.match(last.content, /exactly 4 messages/);
    assert.match(last.content, /\bJSON\b/);
  });

  it('puts the dataset system prompt in the instruction block when there is one', async () => {
    const caller = new FakeCaller([{ text: JSON.stringify(conversationOf(4)) }]);
    const spec = specOf({ output: { path: 'o.jsonl', format: 'openai', systemPrompt: 'You are Spoke, a bike assistant.' } });
    await createConversationExecutor({ caller })(jobOf(spec), ctxOf());
    assert.match(caller.requests[0]!.system!, /You are Spoke, a bike assistant\./);
  });

  it('happy path: a fenced reply with prose around it is done in one step, with usage and headers', async () => {
    const messages = conversationOf(4);
    const text = `Sure! Here you go:\n\`\`\`json\n${JSON.stringify({ messages })}\n\`\`\`\nHope this helps.`;
    const stored: unknown[] = [];
    const caller = new FakeCaller([{ text, usage: { inputTokens: 300, outputTokens: 400 } }]);
    const job = jobOf(specOf());
    const result = await createConversationExecutor({ caller, onConversation: (c) => void stored.push(c) })(job, ctxOf());
    assert.equal(result.type, 'done');
    assert.equal(result.usage.outputTokens, 400);
    assert.equal(result.headers?.get('request-id'), 'req_1');
    assert.deepEqual(job.data.conversation, { messages });
    assert.deepEqual(stored, [{ messages }]);
    assert.equal(job.data.usage.inputTokens, 300);
  });

  it('accepts a bare array and normalises human/gpt roles', async () => {
    const raw = conversationOf(4).map((m) => ({ from: m.role === 'user' ? 'human' : 'gpt', value: m.content }));
    const { job, step } = runSingle(JSON.stringify(raw));
    assert.equal((await step).type, 'done');
    assert.deepEqual(job.data.conversation?.messages, conversationOf(4));
  });

  it('invalid JSON -> invalid_output with the usage attached', async () => {
    const { step } = runSingle('{"messages": [ {"role": "user", "content": "hi" ');
    const err = await rejection(step);
    assert.equal(err.kind, 'invalid_output');
    assert.equal(err.message, 'response is not JSON');
    assert.deepEqual(err.extra.rejected, {
      messages: [{ role: 'assistant', content: '{"messages": [ {"role": "user", "content": "hi" ' }],
      raw: true,
      rule: 'unreadable',
    });
    assert.deepEqual(err.extra.usage, { inputTokens: 300, outputTokens: 400, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  });

  it('the wrong number of messages -> invalid_output', async () => {
    const { step } = runSingle(JSON.stringify({ messages: conversationOf(3) }), 'end_turn', 4);
    const err = await rejection(step);
    assert.equal(err.kind, 'invalid_output');
    assert.equal(err.message, 'expected 4 messages, got 3');
    assert.deepEqual(err.extra.rejected, { messages: conversationOf(3), rule: 'message_count' });
  });

  it('stop_reason max_tokens is never accepted, even when the JSON happens to parse', async () => {
    const { step, job } = runSingle(JSON.stringify({ messages: conversationOf(4) }), 'max_tokens');
    const err = await rejection(step);
    assert.equal(err.kind, 'invalid_output');
    assert.equal(err.message, 'truncated at max_tokens (raise max_tokens)');
    assert.equal(job.data.conversation, undefined);
  });

  it('refusal: by stop_reason, and by a refusal instead of JSON', async () => {
    assert.equal((await rejection(runSingle('', 'refusal').step)).message, 'model refused');
    const err = await rejection(runSingle("I'm sorry, but I can't write that conversation.").step);
    assert.equal(err.message, 'model refused');
    assert.equal(err.kind, 'invalid_output');
  });

  it('a refusal inside the conversation fails validation', async () => {
    const messages = conversationOf(4);
    messages[3] = { role: 'assistant', content: "I can't help with that." };
    const err = await rejection(runSingle(JSON.stringify({ messages })).step);
    assert.equal(err.message, 'message 4 is a refusal');
    assert.deepEqual(err.extra.rejected, { messages, rule: 'refusal', messageIndex: 3 });
    assert.equal(classify(err).rejected, err.extra.rejected, 'classify hands the text on to the failure record');
  });

  it('API errors propagate untouched', async () => {
    const apiError = Object.assign(new Error('overloaded'), { status: 529 });
    const caller = new FakeCaller([apiError]);
    await assert.rejects(createConversationExecutor({ caller })(jobOf(specOf()), ctxOf()), (e) => e === apiError);
  });
});
