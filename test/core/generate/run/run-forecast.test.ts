import assert from 'node:assert/strict';
import { RunForecast } from '../../../../src/core/generate/run/run-forecast';

describe('RunForecast', () => {
  it('has nothing to say before an estimate, then sums the estimates of files as they join', () => {
    const f = new RunForecast();
    assert.equal(f.costUsd, undefined);
    assert.equal(f.perMinute, undefined);
    // A whole RunEstimate is welcome; only its three figures are read.
    const estimate = { costUsd: 0.5, conversations: 60, wallSeconds: 30, explanation: '~30 s, bound by requests', perFile: [] };
    f.add(estimate);
    assert.equal(f.costUsd, 0.5);
    assert.equal(f.perMinute, 120);
    f.add({ costUsd: 0.25, conversations: 30, wallSeconds: 30 });
    assert.equal(f.costUsd, 0.75);
    assert.equal(f.perMinute, 90);
  });

  it('gives no pace for an estimate of no work, and refuses figures that are not numbers from 0 up', () => {
    const f = new RunForecast();
    f.add({ costUsd: 0, conversations: 0, wallSeconds: 0 });
    assert.equal(f.costUsd, 0);
    assert.equal(f.perMinute, undefined);
    assert.throws(
      () => f.add({ costUsd: Number.NaN, conversations: 1, wallSeconds: 1 }),
      /Expected `estimate.costUsd` to be a number from 0 and up, got `NaN`/,
    );
    assert.throws(() => f.add({ costUsd: 1, conversations: -1, wallSeconds: 1 }), /`estimate.conversations`/);
    assert.equal(f.costUsd, 0);
  });
});

describe('RunForecast per step', () => {
  it("gives a file's tokens a request, leaving out cache reads (they do not count against ITPM)", () => {
    const f = new RunForecast();
    assert.equal(f.stepDemand('/w/a.forge.yaml'), undefined);
    f.add({
      costUsd: 1,
      conversations: 10,
      wallSeconds: 60,
      perFile: [
        { file: '/w/a.forge.yaml', requests: 100, inputTokens: 50_000, cacheReadInputTokens: 30_000, outputTokens: 8_000 },
        { file: '/w/empty.forge.yaml', requests: 0, inputTokens: 0, outputTokens: 0 },
      ],
    });
    assert.deepEqual(f.stepDemand('/w/a.forge.yaml'), { inputTokens: 200, outputTokens: 80 });
    assert.equal(f.stepDemand('/w/empty.forge.yaml'), undefined);
    assert.equal(f.wallSeconds, 60);
  });
});
