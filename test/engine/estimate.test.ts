import * as assert from 'node:assert/strict';
import { conversationsOf, estimateConversations, type EngineSettings } from '../../src/engine';
import { FakeCaller } from '../support/fake-caller';
import { promptFileOf } from '../core/generate/run/fixtures';

const settings: EngineSettings = { limits: { tier: 'start' } };
const specs = conversationsOf([promptFileOf('engine-estimate', 30)]);

describe('engine: estimateConversations (the one estimate both front ends use)', () => {
  it('prices conversations as a run from the same settings would: the model overrides apply', async () => {
    const table = await estimateConversations({ specs, settings });
    const doubled = await estimateConversations({
      specs,
      settings: { ...settings, modelOverrides: { 'claude-haiku-5-5': { prices: { input: 0.2, output: 1 } } } },
    });
    assert.equal(doubled.conversations, 30);
    assert.ok(table.costUsd > 0);
    assert.ok(Math.abs(doubled.costUsd - 2 * table.costUsd) < 1e-9, `${doubled.costUsd} vs 2 × ${table.costUsd}`);
  });

  it("paces at the settings' limits, and at the limits the API reported where they are known", async () => {
    const slow = { limits: { tier: 'start' as const, rpm: 1 } };
    const configured = await estimateConversations({ specs, settings: slow });
    assert.equal(configured.bindingLimit, 'requests');
    assert.match(configured.explanation, /\(1 RPM\)/);
    const learned = await estimateConversations({
      specs,
      settings: slow,
      learned: (c) => (c === 'haiku' ? { requestsPerMinute: 60 } : {}),
    });
    assert.ok(learned.wallSeconds * 10 < configured.wallSeconds, `${learned.wallSeconds} s vs ${configured.wallSeconds} s`);
  });

  it('counts tokens through the caller it is given, and weighs a sample', async () => {
    const caller = new FakeCaller([], () => 5_000);
    const counted = await estimateConversations({ specs, settings, caller, weightOf: () => 10 });
    assert.ok(caller.countRequests.length > 0, 'count_tokens went through the given caller');
    assert.equal(counted.conversations, 300);
    const local = await estimateConversations({ specs, settings, weightOf: () => 10 });
    assert.ok(counted.inputTokens > local.inputTokens, 'the local counter knows nothing of the 5,000 counted tokens');
  });
});
