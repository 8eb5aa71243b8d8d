import assert from 'node:assert/strict';
import { workProgress, stepWeight, type BatchWork } from '../../../../src/core/generate/run/run-progress';
import type { LimiterSnapshot } from '../../../../src/core/limiter/types';

function limiter(rpm: number, itpm: number, otpm: number, learned: boolean, modelClass = 'haiku'): LimiterSnapshot {
  const dim = (limit: number) => ({ limit, utilization: 0.5, ...(learned ? { remaining: limit / 2 } : {}) });
  return {
    modelClass,
    limits: { requestsPerMinute: rpm, inputTokensPerMinute: itpm, outputTokensPerMinute: otpm },
    dimensions: { requests: dim(rpm), inputTokens: dim(itpm), outputTokens: dim(otpm) },
    utilization: 0.5,
    binding: 'requests',
    health: 'healthy',
  };
}

// One request writing a whole 2,000-token conversation, and a turns file's 50-token messages.
const single = (done: number, left: number, perMinute = 0): BatchWork => ({
  modelClass: 'haiku',
  stepsDone: done,
  stepsLeft: left,
  chainLeft: left > 0 ? 1 : 0,
  stepsPerMinute: perMinute,
  demand: { inputTokens: 500, outputTokens: 2_000 },
});
const turns = (done: number, left: number, perMinute = 0): BatchWork => ({
  modelClass: 'haiku',
  stepsDone: done,
  stepsLeft: left,
  chainLeft: Math.min(left, 10),
  stepsPerMinute: perMinute,
  demand: { inputTokens: 800, outputTokens: 50 },
});

describe('run progress in weighted steps', () => {
  it('weighs a step by its time at the binding limit: output tokens when they bind, requests when they do', () => {
    const outputBound = limiter(600, 10_000_000, 20_000, true);
    // 2,000 of 20,000 OTPM is 0.1 min; 50 tokens is 0.0025 min, less than a request's 1/600 min.
    assert.equal(stepWeight(single(0, 1), outputBound), 0.1);
    assert.equal(stepWeight(turns(0, 1), outputBound), 1 / 400);
    // The single file's 10 requests are done, the turns file's 100 are not: by output, most work is done.
    const byOutput = workProgress({ batches: [single(10, 0), turns(0, 100)], limiters: [outputBound], measuredMs: 0 });
    assert.equal(byOutput.stepsDone, 10);
    assert.equal(byOutput.stepsTotal, 110);
    assert.equal(byOutput.fraction, 1 / (1 + 0.25));
    assert.equal(byOutput.binding, 'outputTokens');
    // Where requests bind, every step weighs the same: 10 of 110.
    const requestBound = limiter(60, 10_000_000, 10_000_000, true);
    const byRequests = workProgress({ batches: [single(10, 0), turns(0, 100)], limiters: [requestBound], measuredMs: 0 });
    assert.ok(Math.abs(byRequests.fraction - 10 / 110) < 1e-12, String(byRequests.fraction));
    assert.equal(byRequests.binding, 'requests');
    // 100 steps at 60 RPM: 100 s.
    assert.equal(byRequests.etaMs, 100_000);
    assert.equal(byRequests.basis, 'limits');
  });

  it('has no ETA at a preset limit, takes the learned one, and follows it when it drops even against a faster measured pace', () => {
    const work = [turns(40, 200, 120)];
    assert.equal(workProgress({ batches: work, limiters: [limiter(1_000, 1e9, 1e9, false)], measuredMs: 0 }).etaMs, undefined);
    const learned = workProgress({ batches: work, limiters: [limiter(120, 1e9, 1e9, true)], measuredMs: 0 });
    assert.equal(learned.etaMs, 100_000);
    assert.ok(learned.limitsLearned);
    // A minute measured at 120 a minute agrees; then the server says 60 RPM: 200 s, at once.
    assert.equal(workProgress({ batches: work, limiters: [limiter(120, 1e9, 1e9, true)], measuredMs: 60_000 }).etaMs, 100_000);
    const lowered = workProgress({ batches: work, limiters: [limiter(60, 1e9, 1e9, true)], measuredMs: 60_000 });
    assert.equal(lowered.etaMs, 200_000);
    assert.equal(lowered.basis, 'both');
  });

  it('goes by the measured pace where no limit was heard, and by the longest chain at generous limits', () => {
    const work = [turns(40, 200, 120)];
    // Not measured long enough: nothing to say.
    assert.equal(workProgress({ batches: work, limiters: [limiter(1_000, 1e9, 1e9, false)], measuredMs: 2_000 }).etaMs, undefined);
    const measured = workProgress({ batches: work, limiters: [limiter(1_000, 1e9, 1e9, false)], measuredMs: 30_000 });
    assert.equal(measured.etaMs, 100_000);
    assert.equal(measured.basis, 'measured');
    assert.equal(measured.limitsLearned, false);
    // 200 steps at 100,000 RPM take no time at the limits, but a chain of 10 steps of 3 s takes 30 s.
    const generous = workProgress({ batches: work, limiters: [limiter(100_000, 1e12, 1e12, true)], measuredMs: 0, stepMs: 3_000 });
    assert.equal(generous.etaMs, 30_000);
  });

  it('adds what is left of a pause, and is done when no step is left', () => {
    const work = [turns(40, 200, 120)];
    const paused = workProgress({ batches: work, limiters: [limiter(120, 1e9, 1e9, true)], measuredMs: 0, pausedForMs: 12_000 });
    assert.equal(paused.etaMs, 112_000);
    const done = workProgress({ batches: [turns(240, 0, 120)], limiters: [limiter(120, 1e9, 1e9, true)], measuredMs: 60_000 });
    assert.deepEqual([done.fraction, done.etaMs], [1, 0]);
  });

  it('blends the measured pace in over the first 20 s measured', () => {
    // The limits allow 120 a minute; the run measures 60 (slower, e.g. bound by latency).
    const at = (ms: number) =>
      workProgress({ batches: [turns(40, 200, 60)], limiters: [limiter(120, 1e9, 1e9, true)], measuredMs: ms }).etaMs!;
    assert.equal(at(3_000), 100_000);
    assert.ok(at(10_000) > 100_000 && at(10_000) < 200_000, String(at(10_000)));
    assert.equal(at(20_000), 200_000);
  });
});
