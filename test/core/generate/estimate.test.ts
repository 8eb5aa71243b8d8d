import assert from 'node:assert/strict';
import { estimateRun, type EstimateOptions } from '../../../src/core/generate/estimate';
import { buildSingleRequest } from '../../../src/core/generate/strategies/single';
import type { ConversationSpec } from '../../../src/core/generate/types';
import type { Limits } from '../../../src/core/limiter/types';
import type { Usage } from '../../../src/core/usage';
import { FakeCaller } from '../../support/fake-caller';
import { specOf } from './strategies/fixtures';

/** $1 / M input, $5 / M output (claude-haiku-4-5's prices). */
const priceOf = (_model: string, u: Usage) => (u.inputTokens * 1 + u.outputTokens * 5) / 1_000_000;
const limitsOf = (l: Partial<Limits>) => (): Limits => ({
  requestsPerMinute: 1_000_000,
  inputTokensPerMinute: 1_000_000_000,
  outputTokensPerMinute: 1_000_000_000,
  ...l,
});

/**
 * 100 single-request conversations of 4 messages; every first request counts as 1,000 tokens.
 * Prompt caching is off here (its predictions have their own tests in estimate-cache.test.ts).
 */
function hundredSingles(limits: Partial<Limits>): EstimateOptions {
  const specs = Array.from({ length: 100 }, (_, i) => specOf({ id: `s-${i}`, index: i, turns: 4, maxTokens: 2000, cache: 'off' }));
  return { specs, caller: new FakeCaller([], () => 1000), priceOf, limits: limitsOf(limits), tokensPerMessage: 100 };
}

describe('estimateRun', () => {
  it('totals and cost, checked by hand', async () => {
    const est = await estimateRun(hundredSingles({}));
    assert.equal(est.conversations, 100);
    assert.equal(est.requests, 100);
    assert.equal(est.inputTokens, 100_000, '100 x 1,000 counted/extrapolated tokens');
    assert.equal(est.outputTokens, 44_000, '100 x 4 messages x (100 tokens + 10 of JSON around each)');
    // 100k x $1/M + 44k x $5/M = $0.10 + $0.22
    assert.ok(Math.abs(est.costUsd - 0.32) < 1e-9, `got ${est.costUsd}`);
    assert.equal(est.perFile.length, 1);
    assert.equal(est.perFile[0]!.countedSamples, 20);
  });

  it('names requests as binding when RPM is the tightest', async () => {
    const est = await estimateRun(hundredSingles({ requestsPerMinute: 10 }));
    assert.equal(est.bindingLimit, 'requests');
    assert.equal(est.wallSeconds, 600);
    assert.equal(est.explanation, '~10 min, bound by requests (10 RPM)');
  });

  it('names input tokens as binding when ITPM is the tightest', async () => {
    const est = await estimateRun(hundredSingles({ requestsPerMinute: 1000, inputTokensPerMinute: 20_000 }));
    assert.equal(est.bindingLimit, 'inputTokens');
    assert.equal(est.wallSeconds, 300);
    assert.equal(est.explanation, '~5 min, bound by input tokens (20k ITPM)');
  });

  it('names output tokens as binding when OTPM is the tightest', async () => {
    const est = await estimateRun(
      hundredSingles({ requestsPerMinute: 1000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 4_400 }),
    );
    assert.equal(est.bindingLimit, 'outputTokens');
    assert.equal(est.wallSeconds, 600, '44k output tokens at 4,400 OTPM');
    assert.equal(est.explanation, '~10 min, bound by output tokens (4,400 OTPM)');
  });

  it('model classes drain in parallel: the slowest class sets the time and is named', async () => {
    const a = hundredSingles({}).specs;
    const b = a.slice(0, 10).map((s) => ({ ...s, model: 'claude-opus-5-5', sourceFile: 'b.forge.yaml' }));
    const est = await estimateRun({
      specs: [...a, ...b],
      caller: new FakeCaller([], () => 1000),
      priceOf,
      tokensPerMessage: 100,
      limits: (model) => limitsOf(model === 'claude-opus-5-5' ? { requestsPerMinute: 1 } : { requestsPerMinute: 100 })(),
    });
    assert.equal(est.wallSeconds, 600, 'opus: 10 requests at 1 RPM; haiku: 100 at 100 RPM = 60 s');
    assert.equal(est.explanation, '~10 min, bound by requests (1 RPM) on claude-opus-5-5');
    assert.deepEqual(
      est.perFile.map((f) => [f.file, f.conversations]),
      [
        ['prompts/support.forge.yaml', 100],
        ['b.forge.yaml', 10],
      ],
    );
  });

  it('counts a sample of actual first requests and extrapolates the rest by prompt length', async () => {
    // Prompts of very different lengths; count_tokens answers exactly chars / 2, so extrapolation is exact.
    const specs: ConversationSpec[] = Array.from({ length: 50 }, (_, i) =>
      specOf({ id: `s-${i}`, index: i, prompt: `Scenario ${i}: ${'x'.repeat(i * 40)}` }),
    );
    const charsOf = (s: ConversationSpec) => {
      const r = buildSingleRequest(s);
      return (r.system?.length ?? 0) + r.messages.reduce((n, m) => n + m.content.length, 0);
    };
    const caller = new FakeCaller([], (r) => ((r.system?.length ?? 0) + r.messages.reduce((n, m) => n + m.content.length, 0)) / 2);
    const est = await estimateRun({ specs, caller, priceOf, limits: limitsOf({}), sampleSize: 5 });

    assert.equal(caller.countRequests.length, 5, 'only the sample is counted');
    const first = buildSingleRequest(specs[0]!);
    assert.deepEqual(caller.countRequests[0], { model: first.model, system: first.system, messages: first.messages });
    const prompts = caller.countRequests.map((r) => r.messages[0]!.content.split(':')[0]);
    assert.deepEqual(prompts, ['Scenario 0', 'Scenario 12', 'Scenario 25', 'Scenario 37', 'Scenario 49']);
    const exact = specs.reduce((n, s) => n + charsOf(s) / 2, 0);
    assert.ok(Math.abs(est.inputTokens - exact) <= specs.length, `got ${est.inputTokens}, want ~${exact}`);
  });

  it('turns: input grows with the transcript on every request (hand-checked)', async () => {
    // No system prompt for the assistant turns, so their base is 0; user turns resend the 1,000-token
    // first request. Each earlier message adds 100 + 4 framing tokens.
    const spec = specOf({ strategy: 'turns', turns: 4, maxTokens: 500, system: undefined });
    const est = await estimateRun({
      specs: [spec],
      caller: new FakeCaller([], () => 1000),
      priceOf,
      limits: limitsOf({}),
      tokensPerMessage: 100,
    });
    assert.equal(est.requests, 4);
    // k=0: 1000, k=1: 0 + 104, k=2: 1000 + 208, k=3: 0 + 312
    assert.equal(est.inputTokens, 2624);
    assert.equal(est.outputTokens, 400);
  });

  it('output is bounded by max_tokens', async () => {
    const est = await estimateRun({
      specs: [specOf({ turns: 20, maxTokens: 300 })],
      caller: new FakeCaller([], () => 1000),
      priceOf,
      limits: limitsOf({}),
    });
    assert.equal(est.outputTokens, 300);
  });

  it('rejects nonsense options with uniform messages', async () => {
    await assert.rejects(estimateRun({ ...hundredSingles({}), sampleSize: 0 }), {
      message: 'Expected `sampleSize` to be an integer from 1 and up, got `0` (number)',
    });
    await assert.rejects(estimateRun(hundredSingles({ outputTokensPerMinute: 0 })), {
      message: 'Expected `limits(claude-haiku-5-5).outputTokensPerMinute` to be a number above 0, got `0` (number)',
    });
  });

  it('an empty run costs nothing and says so', async () => {
    const est = await estimateRun({ ...hundredSingles({}), specs: [] });
    assert.deepEqual([est.requests, est.costUsd, est.wallSeconds, est.explanation], [0, 0, 0, 'nothing to generate']);
  });
});
