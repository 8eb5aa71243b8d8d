import assert from 'node:assert/strict';
import { summaryJson, summaryLines } from '../../src/cli/format';
import { checkEstimate } from '../../src/core/generate/run/estimate-check';
import { buildSummary } from '../../src/core/generate/run/run-summary';
import { createMetrics } from '../../src/core/metrics/metrics';
import { setup } from '../core/queue/helpers';
import type { RunSummary } from '../../src/core/generate/run/run-types';

const base: RunSummary = {
  state: 'finished',
  total: 60,
  generated: 60,
  skipped: 0,
  failed: 0,
  skippedFailed: 0,
  remaining: 0,
  requests: 200,
  rateLimited: 0,
  inputTokens: 61_000,
  outputTokens: 23_000,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
  costUsd: 0.02,
  wallSeconds: 100,
  datasets: [],
};

describe('the summary tells how far the estimate was off', () => {
  it('works out the error in percent of the actual figure, and judges the ETA given at a fifth of the work', () => {
    const check = checkEstimate({
      estimate: { wallSeconds: 12, costUsd: 0.025 },
      startedAt: 0,
      endedAt: 100_000,
      costUsd: 0.02,
      checkpoint: { at: 20_000, etaMs: 84_000 },
    })!;
    assert.equal(check.timeErrorPercent, -88);
    assert.equal(check.costErrorPercent, 25);
    assert.deepEqual(check.etaAtFifth, { etaSeconds: 84, actualSeconds: 80, errorPercent: 5 });
    // Nothing spent (no error to tell in percent) and no time taken (nothing to compare).
    assert.equal(
      checkEstimate({ estimate: { wallSeconds: 1, costUsd: 1 }, startedAt: 0, endedAt: 1_000, costUsd: 0 })!.costErrorPercent,
      undefined,
    );
    assert.equal(checkEstimate({ estimate: { wallSeconds: 1, costUsd: 1 }, startedAt: 5, endedAt: 5, costUsd: 1 }), undefined);

    const summary = { ...base, estimateCheck: check };
    const lines = summaryLines(summary, '/', false);
    assert.ok(lines.includes('  Time: estimated 12 s, took 1 min 40 s (estimate −88 %).'), lines.join('\n'));
    assert.ok(lines.includes('  Cost: estimated $0.03, spent $0.02 (estimate +25 %).'), lines.join('\n'));
    assert.ok(lines.includes('  ETA at 20 % of the work: 1 min 24 s, actually 1 min 20 s (+5 %).'), lines.join('\n'));
    const json = summaryJson(summary, false) as { estimate?: Record<string, unknown> };
    assert.deepEqual(json.estimate, {
      estimatedSeconds: 12,
      actualSeconds: 100,
      timeErrorPercent: -88,
      estimatedUsd: 0.025,
      actualUsd: 0.02,
      costErrorPercent: 25,
      etaAtFifth: { etaSeconds: 84, actualSeconds: 80, errorPercent: 5 },
      messageBatches: false,
    });
    // A run without an estimate (nothing left to do) says nothing about one.
    assert.ok(!summaryLines(base, '/', false).some((l) => l.includes('estimated')));
    assert.equal((summaryJson(base, false) as { estimate?: unknown }).estimate, undefined);
  });

  it('a run with Message Batches: their spend is in the check, their time has no estimate, their requests are counted', () => {
    const metrics = { ...emptyMetrics(), costUsd: 0 };
    const summary = buildSummary({
      state: 'finished',
      batches: [],
      metrics,
      startedAt: 0,
      endedAt: 24_000,
      estimate: { wallSeconds: 0, costUsd: 0.0013 },
      messageBatches: {
        usage: { inputTokens: 4_400, outputTokens: 3_600, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        costUsd: 0.0011,
        batches: 1,
        requests: 24,
        processing: 0,
      },
    });
    assert.equal(summary.estimateCheck?.actualUsd, 0.0011, 'batch spend is spend');
    assert.equal(summary.costUsd, 0.0011);
    const lines = summaryLines(summary, '/', false);
    assert.ok(
      lines.includes('  0 requests online + 24 in Message Batches, 0 rate-limited, 4.4k input / 3.6k output tokens, $0.0011, 24s'),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes('  Time: took 24 s, waiting on Message Batches (no time estimate: usually within an hour, 24 h at most).'),
      lines.join('\n'),
    );
    assert.ok(lines.includes('  Cost: estimated $0.0013, spent $0.0011 (estimate +18 %).'), lines.join('\n'));
  });
});

function emptyMetrics() {
  const t = setup(100);
  const metrics = createMetrics({ clock: t.clock, processor: t.processor, costOf: () => 0 });
  const snapshot = metrics.snapshot();
  metrics.dispose();
  return snapshot;
}
