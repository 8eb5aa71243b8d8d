import * as assert from 'node:assert/strict';
import { messageBatchWorkOf, withMessageBatchWork } from '../../../../src/core/generate/run/message-batch-work';
import type { WorkProgress } from '../../../../src/core/generate/run/run-progress';
import type { MessageBatchSnapshot } from '../../../../src/core/message-batches/snapshot';

const batch = (status: MessageBatchSnapshot['status'], requests: number, written = 0): MessageBatchSnapshot => ({
  id: `msgbatch_${status}_${requests}`,
  file: '/w/a.forge.yaml',
  status,
  requests,
  written,
  submittedAt: 0,
});

const online = (over: Partial<WorkProgress> = {}): WorkProgress => ({
  stepsDone: 30,
  stepsTotal: 60,
  fraction: 0.5,
  etaMs: 40_000,
  basis: 'limits',
  limitsLearned: true,
  ...over,
});

describe('message-batch-work: Message Batch requests in the run progress', () => {
  it('counts requests, done as batches end or results are written, and whether one still waits', () => {
    assert.equal(messageBatchWorkOf([]), undefined);
    assert.deepEqual(messageBatchWorkOf([batch('in_progress', 24, 5), batch('ended', 10, 10), batch('submitting', 6)]), {
      requests: 40,
      done: 15,
      waiting: true,
    });
    assert.deepEqual(messageBatchWorkOf([batch('ended', 24, 20)]), { requests: 24, done: 24, waiting: false });
  });

  it('a batch-only run: the share is the batch requests done, and no ETA while one is at the API', () => {
    const p = withMessageBatchWork(online({ stepsDone: 0, stepsTotal: 0, fraction: 1, etaMs: 0 }), {
      requests: 24,
      done: 6,
      waiting: true,
    });
    assert.equal(p.fraction, 0.25);
    assert.equal(p.etaMs, undefined, 'the online part has nothing left; that is not "0 s left"');
    assert.equal(p.basis, undefined);
    assert.deepEqual(p.messageBatches, { requests: 24, done: 6, waiting: true });
  });

  it('a mixed run: online steps and batch requests share the bar; once every batch ended the online ETA stands', () => {
    const waiting = withMessageBatchWork(online(), { requests: 40, done: 0, waiting: true });
    assert.equal(waiting.fraction, 30 / 100);
    assert.equal(waiting.stepsTotal, 60, 'the steps stay the online ones');
    assert.equal(waiting.etaMs, undefined);
    const ended = withMessageBatchWork(online(), { requests: 40, done: 40, waiting: false });
    assert.equal(ended.fraction, 70 / 100);
    assert.equal(ended.etaMs, 40_000);
    assert.equal(ended.basis, 'limits');
  });

  it('no Message Batches: the online progress as it was', () => {
    const p = online();
    assert.equal(withMessageBatchWork(p, undefined), p);
  });
});
