import assert from 'node:assert/strict';
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { createAnthropicCaller } from '../../../src/core/api/anthropic-caller';
import type { ModelCaller, ModelRequest } from '../../../src/core/api/types';
import { classify } from '../../../src/core/errors';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';
import { rejection } from './support/rejection';

// The caller against the project's Anthropic API simulator, through the real SDK: the wire formats and
// fault shapes come from someone else's reading of API-FACTS, not from the canned server written here.

const REQUEST: ModelRequest = {
  model: 'claude-haiku-5-5',
  system: 'You write short dialogues.',
  messages: [{ role: 'user', content: 'Write a two-line exchange about tea.' }],
  maxTokens: 512,
};

describe('anthropic caller against the simulator', () => {
  let sim: SimulatorHandle;
  let streaming: ModelCaller;
  let once: ModelCaller;

  before(async () => {
    sim = await startSimulator({
      seed: 7,
      thinking: true,
      latency: { baseMs: 5, perOutputTokenMs: 0, jitterMs: 0 },
      limits: { default: { requestsPerMinute: 100_000, inputTokensPerMinute: 100_000_000, outputTokensPerMinute: 100_000_000 } },
    });
    streaming = createAnthropicCaller({ apiKey: 'sk-ant-sim-test', baseURL: sim.url });
    once = createAnthropicCaller({ apiKey: 'sk-ant-sim-test', baseURL: sim.url, stream: false });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.configure({ faults: { script: [] }, latency: { baseMs: 5 } });
    sim.resetStats();
  });

  for (const [label, pick] of [
    ['non-streaming', () => once],
    ['streaming', () => streaming],
  ] as const) {
    it(`${label}: returns text (thinking skipped), usage, rate-limit headers and the request id`, async () => {
      const r = await pick().send(REQUEST);
      assert.ok(r.text.length > 0);
      assert.equal(r.stopReason, 'end_turn');
      assert.ok(r.usage.inputTokens > 0 && r.usage.outputTokens > 0, JSON.stringify(r.usage));
      assert.ok(r.headers.get('anthropic-ratelimit-requests-limit'));
      assert.ok(r.headers.get('anthropic-ratelimit-output-tokens-remaining'));
      assert.match(r.requestId ?? '', /^req_/);
      assert.equal(r.model, REQUEST.model);
      const stats = sim.stats();
      assert.equal(stats.messages, 1);
      assert.equal(stats.outputTokens, r.usage.outputTokens);
    });
  }

  it('countTokens returns the input tokens the simulator counts', async () => {
    const n = await streaming.countTokens({ model: REQUEST.model, system: REQUEST.system, messages: REQUEST.messages });
    assert.ok(n > 0);
    assert.equal(sim.stats().countTokensRequests, 1);
  });

  it('a mid-stream overload rejects with an error classify calls overloaded', async () => {
    sim.configure({ faults: { script: [{ kind: 'midstream_overload' }] } });
    const err = await rejection(streaming.send(REQUEST));
    assert.ok(err instanceof APIError, String(err));
    assert.equal(err.status, undefined);
    const c = classify(err);
    assert.equal(c.kind, 'overloaded');
    assert.equal(c.action, 'backoff');
    assert.equal(sim.stats().requests, 1, 'no SDK retry');
  });

  it('abort via the signal rejects, and classify(err, signal) says cancelled', async () => {
    // The answer would take a minute: far enough that a busy machine cannot blur the difference.
    sim.configure({ latency: { baseMs: 60_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await rejection(streaming.send({ ...REQUEST, signal: controller.signal }));
    assert.ok(err instanceof APIUserAbortError, String(err));
    assert.equal(classify(err, controller.signal).kind, 'cancelled');
    assert.ok(Date.now() - started < 15_000, 'the abort did not wait for the answer');
  });

  const faults = [
    ['overloaded', 'overloaded'],
    ['server_error', 'server'],
    ['connection_reset', 'network'],
    ['spend_cap', 'spend_cap'],
    ['ramp_limit', 'acceleration_limit'],
    ['rate_limit_storm', 'rate_limited'],
  ] as const;
  for (const [fault, kind] of faults) {
    it(`fault ${fault} reaches classify as ${kind}, after exactly one request`, async () => {
      sim.configure({ faults: { script: [{ kind: fault }], stormSeconds: 0.001 } });
      const err = await rejection(once.send(REQUEST));
      assert.equal(classify(err).kind, kind, String(err));
      assert.equal(sim.stats().requests, 1);
    });
  }
});
