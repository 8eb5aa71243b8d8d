import assert from 'node:assert/strict';
import { makeJob, setup, USAGE } from './helpers';

describe('QueueProcessor request ids', () => {
  it('succeeded and step carry the response request-id; absent when the executor passed no headers', async () => {
    const t = setup(10, (job) => {
      if (job.id === 'bare') return undefined;
      const headers = new Headers({ 'request-id': `req_${job.id}_${job.steps}` });
      return job.steps < 1
        ? { type: 'continue', usage: USAGE, headers, next: { inputTokens: 100, maxTokens: 1000 } }
        : { type: 'done', usage: USAGE, headers };
    });
    const seen: string[] = [];
    t.processor.on('step', (e) => seen.push(`step ${e.job.id} ${e.requestId}`));
    t.processor.on('succeeded', (e) => seen.push(`succeeded ${e.job.id} ${'requestId' in e ? e.requestId : '-'}`));
    t.processor.add([makeJob('conv'), makeJob('bare')]);
    await t.clock.runUntil(() => t.processor.state === 'idle');
    assert.deepEqual(seen, ['step conv req_conv_0', 'succeeded conv req_conv_1', 'succeeded bare -']);
  });
});
