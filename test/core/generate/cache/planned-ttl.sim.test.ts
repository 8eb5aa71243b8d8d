import assert from 'node:assert/strict';
import { createAnthropicCaller } from '../../../../src/core/api/anthropic-caller';
import type { ModelRequest } from '../../../../src/core/api/types';
import { RunCache } from '../../../../src/core/generate/cache/run-cache';
import { createConversationExecutor } from '../../../../src/core/generate/strategies/executor';
import type { StepResult } from '../../../../src/core/queue/types';
import { startSimulator, type SimulatorHandle } from '../../../../src/sim/index';
import { FakeClock } from '../../../support/fake-clock';
import { ctxOf, jobOf, specOf } from '../strategies/fixtures';

const BACKGROUND = 'The shop repairs city bikes, cargo bikes and racing bikes, and keeps spare parts for each. '.repeat(44);
const MIN = 60_000;

interface SimCacheStats {
  cache: { reads: number; readTokens: number; write1hTokens: number; write5mTokens: number };
}

/**
 * The planned TTL end to end: a conversation whose turns stop for a pause known ahead (10 min, longer
 * than the 5-minute TTL) reads its transcript from the cache on resume because the writes before the
 * pause were planned for the hour; with the plan off the same reads miss. The simulator shares the
 * fake clock, so its TTLs run on the same time as the plan; its `/_sim/stats` counters are the proof.
 */
describe('planned cache TTL across a pause (simulator)', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function pausedConversation(plan: boolean) {
    const clock = new FakeClock();
    sim = await startSimulator({
      latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 },
      seed: 3,
      burstSeconds: 60,
      limits: { default: { requestsPerMinute: 10_000 } },
      clock,
    });
    const requests: ModelRequest[] = [];
    const inner = createAnthropicCaller({ apiKey: 'sk-ant-test-key', baseURL: sim.url });
    // each response takes a second of the shared clock, as the run measures it
    const caller = {
      ...inner,
      send: async (r: ModelRequest) => {
        requests.push(r);
        const response = await inner.send(r);
        await clock.advance(1000);
        return response;
      },
    };
    const cache = new RunCache({ clock, plan });
    const job = jobOf(specOf({ strategy: 'turns', turns: 8, maxTokens: 4000, system: BACKGROUND }));
    const execute = createConversationExecutor({ caller, cache });
    const stats = async () => (await (await fetch(`${sim!.url}/_sim/stats`)).json()) as SimCacheStats;
    const results: StepResult[] = [];
    const step = async () => void results.push(await execute(job, ctxOf()));
    await step();
    await step();
    // the pause is known before requests 3 and 4 go out: it starts once both are sent
    const from = clock.now() + 1900;
    cache.outlook.expectHold({ from, until: from + 10 * MIN, reason: 'user' });
    await step();
    await step();
    await clock.advance(10 * MIN);
    const before = await stats();
    await step();
    await step();
    const after = await stats();
    return { requests, results, before, after };
  }

  it('writes before the pause take the hour, and both sides read their transcripts on resume', async () => {
    const { requests, results, before, after } = await pausedConversation(true);
    assert.deepEqual(
      requests.map((r) => r.cache?.ttl),
      ['5m', '5m', '1h', '1h', '5m', '5m'],
      'only the writes whose next read falls after the pause take the hour',
    );
    assert.ok(before.cache.write1hTokens > 0, 'the newest messages were written for the hour');
    assert.equal(after.cache.reads - before.cache.reads, 2, 'both requests after the pause read from the cache');
    for (const r of results.slice(4)) assert.ok(r.usage.cacheReadInputTokens > 1000, `read ${r.usage.cacheReadInputTokens}`);
  });

  it('with the plan off the same pause expires every entry: the reads after it miss', async () => {
    const { requests, results, before, after } = await pausedConversation(false);
    assert.ok(requests.slice(0, 4).every((r) => r.cache?.ttl === '5m'));
    assert.equal(before.cache.write1hTokens, 0);
    assert.equal(after.cache.reads - before.cache.reads, 0, 'nothing read after the pause');
    for (const r of results.slice(4)) assert.equal(r.usage.cacheReadInputTokens, 0);
  });
});
