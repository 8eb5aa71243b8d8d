import assert from 'node:assert/strict';
import { estimateRun } from '../../../src/core/generate/estimate';
import { costOf, resolveModel } from '../../../src/core/models';
import type { CacheMode } from '../../../src/core/generate/types';
import { FakeCaller } from '../../support/fake-caller';
import { specOf } from './strategies/fixtures';

const BACKGROUND = 'The shop repairs city bikes, cargo bikes and racing bikes, and keeps spare parts for each. '.repeat(44);
const priceOf = (model: string, u: Parameters<typeof costOf>[1]) => costOf(resolveModel(model)!, u);
const limits = () => ({ requestsPerMinute: 1_000_000, inputTokensPerMinute: 100_000, outputTokensPerMinute: 1_000_000_000 });

async function estimate(strategy: 'single' | 'turns', cache: CacheMode, messageBatch = false) {
  const specs = Array.from({ length: 20 }, (_, i) =>
    specOf({ id: `c-${i}`, index: i, strategy, turns: 10, maxTokens: 1000, system: BACKGROUND, model: 'claude-sonnet-5-5', cache }),
  );
  // count_tokens answers the simulator's rule: a token per four characters
  const caller = new FakeCaller([], (r) => Math.ceil(((r.system?.length ?? 0) + r.messages.reduce((n, m) => n + m.content.length, 0)) / 4));
  return estimateRun({ specs, caller, priceOf, limits, tokensPerMessage: 80, ...(messageBatch ? { isMessageBatch: () => true } : {}) });
}

describe('estimateRun with prompt caching', () => {
  it('turns: predicts most input read from the cache, cheaper and faster when input binds, and says how much it saves', async () => {
    const on = await estimate('turns', 'auto');
    const off = await estimate('turns', 'off');
    assert.equal(on.inputTokens, off.inputTokens, 'the same input, billed differently');
    assert.ok(on.cacheReadInputTokens / on.inputTokens > 0.7, `read share ${on.cacheReadInputTokens / on.inputTokens}`);
    assert.equal(off.cacheReadInputTokens + off.cacheCreationInputTokens, 0);
    assert.equal(off.cacheSavingsUsd, 0);
    assert.ok(on.costUsd < off.costUsd * 0.6);
    assert.ok(Math.abs(on.costUsd + on.cacheSavingsUsd - off.costUsd) < 1e-9, 'savings = cost without caching - cost with it');
    // ITPM binds: cache reads do not count against it
    assert.equal(on.bindingLimit, 'inputTokens');
    assert.ok(on.wallSeconds < off.wallSeconds / 2, `${on.wallSeconds}s vs ${off.wallSeconds}s`);
  });

  it('single: the first conversation writes the shared system prompt, the others read it', async () => {
    const on = await estimate('single', 'auto');
    const file = on.perFile[0]!;
    assert.ok(file.cacheCreationInputTokens > 900 && file.cacheCreationInputTokens < 1500, `written ${file.cacheCreationInputTokens}`);
    assert.ok(Math.abs(file.cacheReadInputTokens - 19 * file.cacheCreationInputTokens) < 20);
    assert.ok(on.cacheSavingsUsd > 0);
  });

  it('1h: writes are priced at the 1-hour rate', async () => {
    const five = await estimate('single', 'auto');
    const hour = await estimate('single', '1h');
    assert.ok(hour.costUsd > five.costUsd);
  });

  it('Message Batches: auto writes are priced at the 1-hour rate, as the run writes them', async () => {
    const online = await estimate('single', 'auto');
    const batch = await estimate('single', 'auto', true);
    const batchHour = await estimate('single', '1h', true);
    assert.equal(batch.costUsd, batchHour.costUsd);
    assert.ok(batch.perFile[0]!.cacheCreationInputTokens > 0);
    assert.ok(online.perFile[0]!.messageBatchRounds === undefined && batch.perFile[0]!.messageBatchRounds === 1);
  });
});
