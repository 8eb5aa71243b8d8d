import assert from 'node:assert/strict';
import { sleep } from '../../../src/core/clock';
import { createRateLimiter } from '../../../src/core/limiter';
import { QueueProcessor } from '../../../src/core/queue/processor';
import type { Executor } from '../../../src/core/queue/types';
import { FakeClock } from '../../support/fake-clock';
import { makeJob, USAGE } from './helpers';

const HEADERS = new Headers({ 'anthropic-ratelimit-requests-limit': '600', 'anthropic-ratelimit-requests-remaining': '599' });

describe('processor: rate-limit headers at stream start', () => {
  it('a guessed class sends one probe, and the rest go once its headers arrive, long before its answer ends', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({
      clock,
      limits: () => ({ requestsPerMinute: 1000, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 }),
      outputAccounting: 'actual',
      limitsAssumed: () => true,
    });
    const starts: { id: string; at: number }[] = [];
    // Headers after 300 ms, the answer streams until 5 s.
    const executor: Executor<null> = async (job, ctx) => {
      starts.push({ id: job.id, at: clock.now() });
      await sleep(clock, 300, ctx.signal);
      ctx.onHeaders?.(HEADERS);
      await sleep(clock, 4700, ctx.signal);
      return { type: 'done', usage: USAGE };
    };
    const processor = new QueueProcessor<null>({
      clock,
      limiter,
      executor,
      maxConcurrency: 8,
      initialConcurrency: 8,
      backoff: { baseMs: 1000, maxMs: 30_000, jitter: () => 0.5 },
    });
    processor.add(['a', 'b', 'c', 'd'].map((id) => makeJob(id)));
    await clock.advance(1000);
    assert.equal(starts[0]?.at, 0);
    // Without the headers at stream start the probe would end only with its answer, at 5 s.
    assert.equal(starts.length, 4, `started ${JSON.stringify(starts)}`);
    assert.ok(starts.slice(1).every((s) => s.at >= 300 && s.at < 1000));
    processor.dispose();
  });
});
