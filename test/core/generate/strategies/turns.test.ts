import assert from 'node:assert/strict';
import type { ModelRequest } from '../../../../src/core/api/types';
import { ForgeError } from '../../../../src/core/errors';
import { createConversationExecutor } from '../../../../src/core/generate/strategies/executor';
import { turnNote, USER_KICKOFF } from '../../../../src/core/generate/strategies/prompts';
import type { StepResult } from '../../../../src/core/queue/types';
import { FakeCaller } from '../../../support/fake-caller';
import { conversationOf, ctxOf, jobOf, specOf } from './fixtures';

const SIX = conversationOf(6);
const turnsSpec = (turns = 6) =>
  specOf({
    strategy: 'turns',
    turns,
    maxTokens: 500,
    output: { path: 'o.jsonl', format: 'openai', systemPrompt: 'You are Spoke, a bike-shop assistant.' },
  });

/** Replies with each message of SIX in turn (long ones, so the transcript visibly grows). */
function scriptedCaller(): FakeCaller {
  return new FakeCaller(SIX.map((m) => ({ text: `${m.content} ${'padding '.repeat(20)}`.trim() })));
}

describe('strategy turns', () => {
  it('a 6-message conversation takes 6 steps, continuing with growing estimates, then done', async () => {
    const caller = scriptedCaller();
    const job = jobOf(turnsSpec());
    const execute = createConversationExecutor({ caller });
    const results: StepResult[] = [];
    for (let i = 0; i < 6; i++) results.push(await execute(job, ctxOf()));

    assert.deepEqual(
      results.map((r) => r.type),
      ['continue', 'continue', 'continue', 'continue', 'continue', 'done'],
    );
    assert.equal(caller.requests.length, 6);
    const nexts = results.flatMap((r) => (r.type === 'continue' ? [r.next] : []));
    // Estimates alternate between the user-simulator and assistant prompts, so compare like with like.
    for (let i = 2; i < nexts.length; i++) {
      assert.ok(nexts[i]!.inputTokens > nexts[i - 2]!.inputTokens, `estimate ${i} should exceed estimate ${i - 2}`);
    }
    for (const n of nexts) {
      assert.equal(n.maxTokens, 500);
      assert.equal(n.expectedOutputTokens, 80);
    }
    assert.deepEqual(
      job.data.conversation?.messages.map((m) => m.role),
      SIX.map((m) => m.role),
    );
    assert.equal(job.data.usage.outputTokens, 6 * 20, 'usage is accumulated across steps');
  });

  it('a user turn swaps roles, starts with the kickoff and uses a user-simulator system prompt', async () => {
    const caller = scriptedCaller();
    const job = jobOf(turnsSpec());
    const execute = createConversationExecutor({ caller });
    for (let i = 0; i < 3; i++) await execute(job, ctxOf());

    const first = caller.requests[0]!;
    assert.deepEqual(first.messages, [{ role: 'user', content: USER_KICKOFF }]);
    const thirdUserTurn = caller.requests[2]!;
    assert.match(thirdUserTurn.system!, /You are role-playing the USER/);
    assert.match(thirdUserTurn.system!, /A customer asks how to fix a flat tyre\./);
    assert.match(thirdUserTurn.system!, /Conversations are about a bike shop\./);
    assert.deepEqual(
      thirdUserTurn.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
      'kickoff, then the real user as assistant, the real assistant as user',
    );
    assert.equal(thirdUserTurn.messages[1]!.content, job.data.transcript[0]!.content);
    // the last message carries the turn note after its text (and after its cache breakpoint)
    assert.equal(thirdUserTurn.messages[2]!.content, job.data.transcript[1]!.content + turnNote(3, 6));
    // The simulator's JSON path must not trigger on a turn request.
    assert.doesNotMatch(thirdUserTurn.messages.at(-1)!.content, /exactly \d+ messages/);
  });

  it('an assistant turn sends the transcript as is, under the dataset system prompt', async () => {
    const caller = scriptedCaller();
    const job = jobOf(turnsSpec());
    const execute = createConversationExecutor({ caller });
    for (let i = 0; i < 4; i++) await execute(job, ctxOf());
    const assistantTurn = caller.requests[3]!;
    assert.equal(assistantTurn.system, 'You are Spoke, a bike-shop assistant.');
    assert.deepEqual(assistantTurn.messages, job.data.transcript.slice(0, 3));
  });

  it('without a dataset system prompt an assistant turn falls back to the file system prompt', async () => {
    const caller = scriptedCaller();
    const job = jobOf(specOf({ strategy: 'turns', turns: 2 }));
    const execute = createConversationExecutor({ caller });
    await execute(job, ctxOf());
    await execute(job, ctxOf());
    assert.equal(caller.requests[1]!.system, 'Conversations are about a bike shop.');
  });

  it('a failed turn throws invalid_output and keeps the earlier turns; the retry sends the same request', async () => {
    const caller = new FakeCaller([
      { text: SIX[0]!.content },
      { text: SIX[1]!.content },
      { text: 'User: I want a new tyre' },
      { text: 'I want a new tyre, what do you suggest', stopReason: 'max_tokens' },
      { text: "I can't help with that." },
      { text: SIX[2]!.content },
    ]);
    const job = jobOf(turnsSpec());
    const execute = createConversationExecutor({ caller });
    await execute(job, ctxOf());
    await execute(job, ctxOf());
    const reasons: string[] = [];
    const rules: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      await assert.rejects(execute(job, ctxOf()), (e) => {
        assert.ok(e instanceof ForgeError && e.kind === 'invalid_output');
        assert.ok(e.extra.usage, 'usage of the failed turn is attached');
        reasons.push(e.message);
        const r = e.extra.rejected!;
        assert.deepEqual(r.messages.slice(0, 2), SIX.slice(0, 2), 'the rejected message is kept after the transcript it followed');
        rules.push([r.rule, r.messageIndex, r.messages[2]!.role, r.messages[2]!.content]);
        return true;
      });
      assert.deepEqual(job.data.transcript, SIX.slice(0, 2), 'earlier turns are kept');
    }
    assert.deepEqual(reasons, [
      'message 3 starts with a role label "User:"',
      'message 3: truncated at max_tokens (raise max_tokens)',
      'message 3 is a refusal',
    ]);
    assert.deepEqual(rules, [
      ['role_label', 2, 'user', 'User: I want a new tyre'],
      ['stop_reason', 2, 'user', 'I want a new tyre, what do you suggest'],
      ['refusal', 2, 'user', "I can't help with that."],
    ]);
    const result = await execute(job, ctxOf());
    assert.equal(result.type, 'continue');
    assert.deepEqual(job.data.transcript, SIX.slice(0, 3));
    const retried = caller.requests.slice(2).map((r) => JSON.stringify({ s: r.system, m: r.messages }));
    assert.equal(new Set(retried).size, 1, 'every retry of turn 3 sends the same request');
    assert.equal(job.data.usage.outputTokens, 6 * 20, 'failed turns still count as spent');
  });

  it('passes ctx.signal to every request', async () => {
    const caller = scriptedCaller();
    const job = jobOf(turnsSpec(2));
    const execute = createConversationExecutor({ caller });
    const controller = new AbortController();
    await execute(job, ctxOf(controller.signal));
    await execute(job, ctxOf(controller.signal));
    assert.ok(caller.requests.every((r) => r.signal === controller.signal));
  });
});

describe('requests never carry sampling parameters or tool_choice', () => {
  const FORBIDDEN = ['temperature', 'top_p', 'top_k', 'topP', 'topK', 'tool_choice', 'toolChoice', 'tools'];
  const keysOf = (r: ModelRequest) => Object.keys(r);

  it('in either strategy', async () => {
    const single = new FakeCaller([{ text: JSON.stringify(conversationOf(4)) }]);
    await createConversationExecutor({ caller: single })(jobOf(specOf()), ctxOf());
    const turns = scriptedCaller();
    const job = jobOf(turnsSpec());
    const execute = createConversationExecutor({ caller: turns });
    for (let i = 0; i < 6; i++) await execute(job, ctxOf());
    const all = [...single.requests, ...turns.requests];
    assert.equal(all.length, 7);
    for (const r of all) {
      assert.deepEqual(
        keysOf(r).filter((k) => FORBIDDEN.includes(k)),
        [],
      );
      assert.deepEqual(
        keysOf(r).sort(),
        r.system === undefined ? ['maxTokens', 'messages', 'model', 'signal'] : ['maxTokens', 'messages', 'model', 'signal', 'system'],
      );
    }
  });
});
