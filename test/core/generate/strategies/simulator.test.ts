import assert from 'node:assert/strict';
import { createAnthropicCaller } from '../../../../src/core/api/anthropic-caller';
import { createConversationExecutor } from '../../../../src/core/generate/strategies/executor';
import { startSimulator, type SimulatorHandle } from '../../../../src/sim/index';
import type { StepResult } from '../../../../src/core/queue/types';
import { ctxOf, jobOf, specOf } from './fixtures';

/** The strategies through the real SDK-backed caller, against the built-in API simulator. */
describe('strategies against the simulator', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function run(strategy: 'single' | 'turns'): Promise<StepResult[]> {
    // A 60 s burst window lets six back-to-back turns through; pacing is the processor's job, not ours.
    sim = await startSimulator({ latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 }, seed: 3, burstSeconds: 60 });
    const caller = createAnthropicCaller({ apiKey: 'sk-ant-test-key', baseURL: sim.url });
    const job = jobOf(specOf({ strategy, turns: 6, maxTokens: 4000 }));
    const execute = createConversationExecutor({ caller });
    const results: StepResult[] = [];
    while (results.at(-1)?.type !== 'done' && results.length < 10) results.push(await execute(job, ctxOf()));
    assert.equal(job.data.conversation?.messages.length, 6);
    return results;
  }

  it('single: one request yields a validated 6-message conversation', async () => {
    const results = await run('single');
    assert.equal(results.length, 1);
    assert.ok(results[0]!.usage.outputTokens > 0);
  });

  it('turns: six requests yield a validated 6-message conversation', async () => {
    const results = await run('turns');
    assert.deepEqual(
      results.map((r) => r.type),
      ['continue', 'continue', 'continue', 'continue', 'continue', 'done'],
    );
  });
});
