import assert from 'node:assert/strict';
import { sleep } from '../../../src/core/clock';
import { createRateLimiter } from '../../../src/core/limiter';
import { QueueProcessor } from '../../../src/core/queue/processor';
import type { Executor, Job } from '../../../src/core/queue/types';
import { FakeClock } from '../../support/fake-clock';
import { makeJob, USAGE } from './helpers';

const STEPS = 4;
const LATENCY_MS = 1750;

/** `n` conversations of STEPS requests at 600 RPM, answers taking LATENCY_MS: when the last one ends. */
async function runChains(n: number, rpm = 600, drop?: { atMs: number; rpm: number }): Promise<{ endMs: number; maxOpen: number }> {
  const clock = new FakeClock(0);
  const limiter = createRateLimiter({
    clock,
    limits: () => ({ requestsPerMinute: rpm, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 }),
    outputAccounting: 'actual',
  });
  if (drop)
    clock.setTimeout(
      () => void limiter.setLimits('haiku', { requestsPerMinute: drop.rpm, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 }),
      drop.atMs,
    );
  const open = new Set<string>();
  let maxOpen = 0;
  const executor: Executor<null> = async (job, ctx) => {
    open.add(job.id);
    maxOpen = Math.max(maxOpen, open.size);
    await sleep(clock, LATENCY_MS, ctx.signal);
    const left = job.next.stepsLeft ?? 1;
    if (left > 1) return { type: 'continue', usage: USAGE, next: { ...job.next, stepsLeft: left - 1 } };
    open.delete(job.id);
    return { type: 'done', usage: USAGE };
  };
  const processor = new QueueProcessor<null>({ clock, limiter, executor, backoff: { baseMs: 1000, maxMs: 30_000, jitter: () => 0.5 } });
  const jobs: Job<null>[] = Array.from({ length: n }, (_, i) => {
    const j = makeJob(`c${String(i).padStart(3, '0')}`);
    j.next = { ...j.next, stepsLeft: STEPS };
    return j;
  });
  processor.add(jobs);
  let idle = false;
  void processor.onIdle().then(() => (idle = true));
  while (!idle && clock.now() < 600_000) await clock.advance(50);
  processor.dispose();
  return { endMs: clock.now(), maxOpen };
}

describe('processor: multi-request conversations end without a tail', () => {
  it('60 conversations of 4 at 600 RPM end close to when the limit says (240 requests ≈ 24 s + one answer)', async () => {
    const { endMs } = await runChains(60);
    // The limit: a 1 s bucket (9.8 at 98 %) then 9.8 a second for the other 230, then the last answer.
    const bound = (0.9 + (240 - 9.8) / 9.8) * 1000 + LATENCY_MS;
    assert.ok(endMs <= bound + 2000, `ended at ${endMs} ms, the limit allows ${Math.round(bound)} ms`);
  }).timeout(60_000);

  it('and when the limit drops mid-run (900 to 300 RPM at 8 s), the conversations in progress do not trail', async () => {
    const { endMs } = await runChains(60, 900, { atMs: 8000, rpm: 300 });
    // By 8 s: the 1 s bucket (14.7) + 8 s at 14.7/s; the rest at 4.9/s; then the last answer. Continued
    // steps first-come-first-served (the order before chains were ranked) ended at 35.0 s here, 3 s late.
    const by8 = 0.9 * 14.7 + 8 * 14.7;
    const bound = 8000 + ((240 - by8) / 4.9) * 1000 + LATENCY_MS;
    assert.ok(endMs <= bound + 1000, `ended at ${endMs} ms, the limit allows ${Math.round(bound)} ms`);
  }).timeout(60_000);

  it('does not open every conversation at once when there are many', async () => {
    const { maxOpen } = await runChains(400);
    assert.ok(maxOpen < 200, `at most ${maxOpen} conversations were open at once`);
  }).timeout(120_000);
});
