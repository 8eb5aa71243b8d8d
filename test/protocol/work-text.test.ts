import * as assert from 'node:assert/strict';
import type { EstimateCheckView, WorkView } from '../../src/protocol/messages';
import { usd } from '../../src/protocol/money';
import { estimateCheckLines, etaBasisText, timeLeftOf, workText } from '../../src/protocol/work-text';

const work = (over: Partial<WorkView> = {}): WorkView => ({
  stepsDone: 140,
  stepsTotal: 340,
  fraction: 0.41,
  etaBasis: 'limits',
  binding: 'requests',
  bindingPerMinute: 120,
  messageBatches: null,
  ...over,
});

describe('work-text: the work and the estimate check, in the same words everywhere', () => {
  it('online work, batch-only work and both', () => {
    assert.equal(workText(work()), '140 of 340 requests · 41 % of the work');
    const batchOnly = work({ stepsDone: 0, stepsTotal: 0, fraction: 0.25, messageBatches: { requests: 24, done: 6, waiting: true } });
    assert.equal(workText(batchOnly), '6 of 24 requests in Message Batches · 25 % of the work');
    const both = work({ messageBatches: { requests: 40, done: 0, waiting: true } });
    assert.equal(workText(both), '140 of 340 requests online, 0 of 40 requests in Message Batches · 41 % of the work');
  });

  it('time left: a Message Batch at the API makes it unknowable, and says how long they take', () => {
    assert.equal(timeLeftOf(170, work()), '~2 min 50 s');
    assert.equal(timeLeftOf(null, work()), 'not known yet');
    const waiting = work({ etaBasis: null, messageBatches: { requests: 24, done: 0, waiting: true } });
    assert.equal(timeLeftOf(null, waiting), '≤ 24 h (usually < 1 h)');
    assert.equal(etaBasisText(waiting), 'Message Batches at the API: usually within an hour, 24 h at most');
    assert.equal(timeLeftOf(0, work({ messageBatches: { requests: 24, done: 24, waiting: false } })), '~0 s');
  });

  it('the estimate check: a run that waited on Message Batches has no time estimate to compare', () => {
    const check: EstimateCheckView = {
      estimatedSeconds: 0,
      actualSeconds: 24,
      timeErrorPercent: -100,
      estimatedUsd: 0.0013,
      actualUsd: 0.0011,
      costErrorPercent: 18.2,
      etaAtFifth: null,
      messageBatches: true,
    };
    assert.deepEqual(estimateCheckLines(check, usd), [
      'Time: took 24 s, waiting on Message Batches (no time estimate: usually within an hour, 24 h at most).',
      'Cost: estimated $0.0013, spent $0.0011 (estimate +18 %).',
    ]);
    assert.match(
      estimateCheckLines({ ...check, messageBatches: false }, usd)[0]!,
      /^Time: estimated 0 s, took 24 s \(estimate −100 %\)\.$/,
    );
  });

  it('dollars: a cent and up to the cent, less than one to four places, so small spend never reads $0.00', () => {
    assert.equal(usd(1.234), '$1.23');
    assert.equal(usd(0.0011), '$0.0011');
    assert.equal(usd(0), '$0.00');
    assert.equal(usd(Number.NaN), '$0.00');
  });
});
