import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../../src/core/clock';
import { createCallerFor, createLimiterFor } from '../../../../src/engine';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import type { ConversationJob } from '../../../../src/core/generate/run/run-jobs';
import { startSimulator, type SimulatorHandle } from '../../../../src/sim';
import { fakeApiKey } from '../../../support/fake-api-key';
import { promptFileOf } from './fixtures';

describe('GenerationRun plans lazily and lets finished jobs go', function () {
  this.timeout(120_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({
      seed: 5,
      latency: { baseMs: 1, perOutputTokenMs: 0, jitterMs: 0 },
      limits: { default: { requestsPerMinute: 1_000_000, inputTokensPerMinute: 1e12, outputTokensPerMinute: 1e12 } },
    });
  });
  after(async () => {
    await sim.close();
  });

  it('never hands the processor more than its window, writes every conversation, and keeps no finished job', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-window-'));
    const file = promptFileOf('window', 1300);
    const run = await GenerationRun.open([file], {
      clock: systemClock,
      caller: createCallerFor({ apiKey: fakeApiKey('window'), baseURL: sim.url, simulated: true }),
      limiter: createLimiterFor({ limits: { rpm: 1_000_000, itpm: 1e12, otpm: 1e12 } }, systemClock),
      maxConcurrency: 8,
      outDir,
      fsync: 'never',
    });
    // Window: twice the ceiling, at least 1,024 jobs made ahead: 1,300 conversations need a refill.
    assert.equal(run.processor.stats.queuedTotal, 0, 'nothing is made before the run starts');
    assert.equal(run.listJobs(0, 5).total, 1300);
    let most = 0;
    let lastSucceeded: ConversationJob | undefined;
    run.processor.on('started', () => {
      const s = run.processor.stats;
      most = Math.max(most, s.queuedTotal + s.active + s.retryWaiting);
    });
    run.processor.on('succeeded', ({ job }) => (lastSucceeded = job));
    const summary = await run.start();
    assert.equal(summary.generated, 1300);
    assert.ok(most <= 1024 && most > 8, `at most ${most} jobs in the processor`);
    assert.equal(fs.readFileSync(path.join(outDir, 'window.jsonl'), 'utf8').split('\n').length - 1, 1300);
    const page = run.listJobs(0, 2000, { state: 'succeeded' });
    assert.equal(page.total, 1300);
    const again = page.jobs.find((j) => j.id === lastSucceeded!.id);
    assert.ok(again && again !== lastSucceeded, 'a finished job is made again for the page, not kept');
    run.dispose();
  });
});
