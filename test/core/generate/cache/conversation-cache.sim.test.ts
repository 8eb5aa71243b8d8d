import assert from 'node:assert/strict';
import { createAnthropicCaller } from '../../../../src/core/api/anthropic-caller';
import type { ModelRequest } from '../../../../src/core/api/types';
import { systemClock } from '../../../../src/core/clock';
import { RunCache } from '../../../../src/core/generate/cache/run-cache';
import { createConversationExecutor } from '../../../../src/core/generate/strategies/executor';
import type { CacheMode, ConversationSpec } from '../../../../src/core/generate/types';
import type { StepResult } from '../../../../src/core/queue/types';
import type { Usage } from '../../../../src/core/usage';
import { startSimulator, type SimulatorHandle } from '../../../../src/sim/index';
import { ctxOf, jobOf, specOf } from '../strategies/fixtures';

/** ~1,000 tokens of background shared by every conversation of a file. */
const BACKGROUND = 'The shop repairs city bikes, cargo bikes and racing bikes, and keeps spare parts for each. '.repeat(44);

/**
 * Prompt caching end to end: the strategies' requests through the real SDK-backed caller against the
 * simulator, whose counters prove what was read. These fail when caching is switched off and when
 * per-message text leaks into a cached prefix (every later request of a side would miss).
 */
describe('prompt caching through the strategies (simulator)', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function conversation(spec: ConversationSpec, mode: CacheMode, requests: ModelRequest[] = []) {
    sim ??= await startSimulator({
      latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 },
      seed: 3,
      burstSeconds: 60,
      limits: { default: { requestsPerMinute: 10_000 } },
    });
    const inner = createAnthropicCaller({ apiKey: 'sk-ant-test-key', baseURL: sim.url });
    const caller = { ...inner, send: (r: ModelRequest) => (requests.push(r), inner.send(r)) };
    const job = jobOf(spec);
    const execute = createConversationExecutor({ caller, cache: new RunCache({ clock: systemClock, mode }) });
    const results: StepResult[] = [];
    while (results.at(-1)?.type !== 'done' && results.length < 20) results.push(await execute(job, ctxOf()));
    return { job, results, usages: results.map((r) => r.usage) };
  }

  const read = (u: Usage) => u.cacheReadInputTokens;
  const total = (u: Usage) => u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;

  it('turns: from the third request on, each side reads its whole earlier transcript from the cache', async () => {
    const { usages } = await conversation(specOf({ strategy: 'turns', turns: 10, maxTokens: 4000, system: BACKGROUND }), 'auto');
    assert.equal(usages.length, 10);
    for (let k = 2; k < 10; k++) {
      // request k (0-based) repeats everything request k-2 of the same side sent, and more
      assert.ok(read(usages[k]!) >= total(usages[k - 2]!) - 40, `request ${k + 1} read ${read(usages[k]!)} of ${total(usages[k]!)}`);
      assert.ok(usages[k]!.inputTokens + usages[k]!.cacheCreationInputTokens < 400, `request ${k + 1}: only the newest messages are new`);
    }
    const stats = sim!.stats();
    assert.ok(stats.cache.reads >= 8, `the simulator saw ${stats.cache.reads} cache reads`);
    const allInput = usages.reduce((n, u) => n + total(u), 0);
    assert.ok(stats.cache.readTokens / allInput > 0.7, `read share ${(stats.cache.readTokens / allInput).toFixed(2)}`);
  });

  it('turns with cache off: no breakpoints, nothing read, and the same conversation is written', async () => {
    const spec = specOf({ strategy: 'turns', turns: 6, maxTokens: 4000, system: BACKGROUND });
    const on: ModelRequest[] = [];
    const withCache = await conversation(spec, 'auto', on);
    await sim!.close();
    sim = undefined;
    const off: ModelRequest[] = [];
    const without = await conversation(spec, 'off', off);
    assert.equal(sim!.stats().cache.reads, 0);
    assert.ok(off.every((r) => r.cache === undefined));
    assert.ok(on.some((r) => r.cache !== undefined));
    // the prompts' text is the same in both modes: only the breakpoints differ
    assert.deepEqual(
      off.map((r) => [r.system, r.messages]),
      on.map((r) => [r.system, r.messages]),
    );
    assert.deepEqual(without.job.data.conversation, withCache.job.data.conversation);
  });

  it('single: conversations of one file share the system prompt; the second reads it', async () => {
    const cache = new RunCache({ clock: systemClock });
    sim = await startSimulator({
      latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 },
      seed: 3,
      burstSeconds: 60,
      limits: { default: { requestsPerMinute: 10_000 } },
    });
    const caller = createAnthropicCaller({ apiKey: 'sk-ant-test-key', baseURL: sim.url });
    const execute = createConversationExecutor({ caller, cache });
    const a = await execute(jobOf(specOf({ id: 'a-1', system: BACKGROUND, prompt: 'A customer asks about brakes.' })), ctxOf());
    const b = await execute(jobOf(specOf({ id: 'b-2', index: 1, system: BACKGROUND, prompt: 'A customer asks about gears.' })), ctxOf());
    assert.ok(a.usage.cacheCreationInputTokens > 900);
    assert.equal(b.usage.cacheReadInputTokens, a.usage.cacheCreationInputTokens);
    assert.ok(b.usage.inputTokens < 200, 'only the per-conversation message is new input');
  });

  it('cache: 1h writes with the 1-hour TTL, and usage carries the split', async () => {
    const requests: ModelRequest[] = [];
    const { usages } = await conversation(specOf({ strategy: 'turns', turns: 4, maxTokens: 4000, system: BACKGROUND }), '1h', requests);
    assert.ok(requests.every((r) => r.cache?.ttl === '1h'));
    assert.ok(usages[0]!.cacheCreation1hInputTokens! > 900);
    assert.equal(usages[0]!.cacheCreation1hInputTokens, usages[0]!.cacheCreationInputTokens);
    assert.equal(sim!.stats().cache.write5mTokens, 0);
  });

  it('single: a system prompt with variables is not marked (a write nobody reads would cost more)', async () => {
    const requests: ModelRequest[] = [];
    await conversation(specOf({ system: BACKGROUND, systemVaries: true }), 'auto', requests);
    assert.equal(requests[0]!.cache, undefined);
  });
});
