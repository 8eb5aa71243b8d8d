import assert from 'node:assert/strict';
import type { LimitGauge, Progress } from '../../../src/protocol/messages';
import { healthOf } from '../../../src/protocol/health';
import { paceOf, STALL_MS, type PaceInput } from '../../../src/vscode/view-model/pace';

const gauge = (utilization: number, limit: number | null = 120): LimitGauge => ({ limit, utilization, health: healthOf(utilization) });
const progress: Progress = { total: 172, queued: 100, active: 3, maxActive: 5, succeeded: 60, failed: 0, retrying: 0, skipped: 0 };

function input(over: Partial<PaceInput> = {}): PaceInput {
  return {
    phase: 'running',
    pauseReason: null,
    limits: { requests: gauge(0.36), inputTokens: gauge(0.1, 400_000), outputTokens: gauge(0.2, null) },
    progress,
    cost: { spent: 0.1, estimate: 0.3 },
    rateLimited: 0,
    stalledMs: 0,
    ...over,
  };
}

describe('pace: which state holds and why', () => {
  it('below the limits, and at full speed (>=90%) as intended: neither is held back', () => {
    assert.deepEqual(paceOf(input()), { pace: 'underLimit', text: 'Running below the limits: 36% of the requests limit in use.' });
    const full = paceOf(input({ limits: { requests: gauge(0.98), inputTokens: gauge(0.5), outputTokens: gauge(0.2) } }));
    assert.deepEqual(full, { pace: 'atLimit', text: 'Full speed: pacing at the requests limit (120/min), as intended.' });
  });

  it('held back by the server: a 429 pause, failing requests with none in flight, a pace cut after 429s', () => {
    assert.deepEqual(paceOf(input({ pauseReason: 'rateLimited' })), {
      pace: 'heldBack',
      heldBackBy: 'rateLimit',
      text: 'Held back by the API: a 429 (rate limit) pause; sending resumes when it ends.',
    });
    const outage = paceOf(input({ progress: { ...progress, active: 0, retrying: 4 }, retryError: '529 overloaded_error: Overloaded' }));
    assert.equal(outage.heldBackBy, 'outage');
    assert.equal(
      outage.text,
      'Held back by the API: 4 requests wait to retry after errors (529 overloaded_error: Overloaded), none in flight.',
    );
    const cut = paceOf(input({ progress: { ...progress, active: 0 }, rateLimited: 3, stalledMs: 14_200 }));
    assert.equal(cut.heldBackBy, 'throttle');
    assert.equal(cut.text, 'Held back: nothing sent for 14 s; the pace was cut after 3 429s and is recovering.');
  });

  it('a short gap between paced requests is not a stall; a long one without 429s is waiting on a limit, not red', () => {
    assert.equal(paceOf(input({ progress: { ...progress, active: 0 }, rateLimited: 3, stalledMs: STALL_MS - 1 })).pace, 'underLimit');
    const waiting = paceOf(input({ progress: { ...progress, active: 0 }, stalledMs: 9_000 }));
    assert.deepEqual(waiting, { pace: 'atLimit', text: 'Waiting for the requests limit (120/min): nothing sent for 9 s.' });
  });

  it('approaching a limit you set (the budget) is its own state', () => {
    const v = paceOf(input({ cost: { spent: 4.1, estimate: 4.6, budget: 5 } }));
    assert.deepEqual(v, { pace: 'approaching', text: 'Approaching your budget: 82% of $5.00 spent.' });
    assert.equal(paceOf(input({ cost: { spent: 1, estimate: 6, budget: 5 } })).pace, 'approaching');
    assert.equal(paceOf(input({ cost: { spent: 1, estimate: 4, budget: 5 } })).pace, 'underLimit');
  });

  it("paused by you, and the end of a run: nothing of the run's pacing survives it", () => {
    assert.equal(paceOf(input({ phase: 'paused', pauseReason: 'user' })).pace, 'paused');
    const ended = {
      pauseReason: 'rateLimited' as const,
      limits: { requests: gauge(0.98), inputTokens: gauge(0.9), outputTokens: gauge(0.9) },
    };
    assert.deepEqual(paceOf(input({ phase: 'finished', ...ended, progress: { ...progress, succeeded: 170, failed: 2, queued: 0 } })), {
      pace: 'finished',
      text: 'Finished: 172 of 172 done, 2 failures.',
    });
    assert.deepEqual(paceOf(input({ phase: 'stopped', ...ended, stopMessage: 'monthly spend cap reached' })), {
      pace: 'stopped',
      text: 'Stopped: monthly spend cap reached.',
    });
    assert.deepEqual(paceOf(input({ phase: 'cancelled', ...ended })), { pace: 'stopped', text: 'Cancelled by you.' });
    assert.equal(paceOf(input({ phase: 'idle' })).pace, 'idle');
    assert.equal(paceOf(input({ phase: 'starting' })).pace, 'starting');
  });

  it('nothing online left and Message Batches at the API: waiting on them, not "below the limits", not red', () => {
    const idle = { ...progress, queued: 0, active: 0 };
    const v = paceOf(input({ progress: idle, messageBatchesWaiting: { batches: 1, requests: 24 } }));
    assert.deepEqual(v, {
      pace: 'atApi',
      text: 'At the API: 1 Message Batch with 24 requests processing; usually within an hour, 24 h at most.',
    });
    assert.equal(
      paceOf(input({ progress: idle, messageBatchesWaiting: { batches: 2, requests: 1 } })).text,
      'At the API: 2 Message Batches with 1 request processing; usually within an hour, 24 h at most.',
    );
    // online work still going: the pace is the online one's
    assert.equal(paceOf(input({ messageBatchesWaiting: { batches: 1, requests: 24 } })).pace, 'underLimit');
    // a 429 pause still holds the run back
    assert.equal(
      paceOf(input({ progress: idle, pauseReason: 'rateLimited', messageBatchesWaiting: { batches: 1, requests: 24 } })).pace,
      'heldBack',
    );
  });
});
