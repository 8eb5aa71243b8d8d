import assert from 'node:assert/strict';
import { createAnthropicCaller } from '../../../src/core/api/anthropic-caller';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';

// The HTTP pool must follow the concurrency the engine derives (thousands at high tiers): the SDK
// uses the global fetch, whose undici agent keeps connections alive and has no per-origin cap. A
// pool capped below the target (like an http.Agent with maxSockets) would queue requests inside
// the client while they hold a slot and a permit; this pins that none is.

async function waitFor(condition: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('anthropic caller connection pool', function () {
  this.timeout(120_000);
  let sim: SimulatorHandle;

  before(async () => {
    sim = await startSimulator({
      seed: 3,
      latency: { baseMs: 600_000, perOutputTokenMs: 0, jitterMs: 0 },
      limits: { default: { requestsPerMinute: 1_000_000, inputTokensPerMinute: 1e12, outputTokensPerMinute: 1e12 } },
    });
  });
  after(async () => {
    await sim.close();
  });

  it('holds 400 streaming requests in flight to one origin at once (no per-origin cap below the target)', async () => {
    const caller = createAnthropicCaller({ apiKey: 'sk-ant-pool-test', baseURL: sim.url });
    const controllers = Array.from({ length: 400 }, () => new AbortController());
    const sends = controllers.map((controller) =>
      caller
        .send({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'hi' }], maxTokens: 64, signal: controller.signal })
        .then(
          () => 'answered',
          () => 'aborted',
        ),
    );
    await waitFor(() => sim.stats().inFlight >= 400, '400 requests in flight at the simulator');
    assert.equal(sim.stats().peakConcurrency, 400);
    for (const c of controllers) c.abort();
    assert.deepEqual(new Set(await Promise.all(sends)), new Set(['aborted']));
  });
});
