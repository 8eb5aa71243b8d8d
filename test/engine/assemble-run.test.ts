import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../src/core/clock';
import { assembleRun, endpointName, type AssembledRun } from '../../src/engine';
import { FakeCaller } from '../support/fake-caller';
import { FakeClock } from '../support/fake-clock';
import { promptFileOf } from '../core/generate/run/fixtures';

describe('engine: assembleRun (the one run assembly both front ends use)', () => {
  let dir: string;
  let assembled: AssembledRun | undefined;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-assemble-'))));
  afterEach(async () => {
    await assembled?.run.close();
    await assembled?.store.dispose();
    assembled = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('turns settings into the run: budget, concurrency cap, endpoint kind, limits', async () => {
    const caller = new FakeCaller();
    assembled = await assembleRun({
      files: [promptFileOf('engine-assemble', 4)],
      settings: { limits: { tier: 'build', rpm: 123 }, budgetUsd: 2.5, maxConcurrency: 3, maxAttempts: 2, outagePatienceMs: 60_000 },
      endpoint: { apiKey: 'sk-ant-simulator-dry-run', baseURL: 'http://127.0.0.1:9', simulated: true },
      clock: systemClock,
      outDir: dir,
      caller,
    });
    assert.equal(assembled.caller, caller, 'an injected caller is the run caller');
    const snapshot = await assembled.run.snapshot();
    assert.equal(snapshot.budgetUsd, 2.5);
    assert.equal(snapshot.simulated, true);
    assert.equal(snapshot.metrics.processor.maxConcurrency, 3);
    assert.equal(snapshot.metrics.processor.concurrencyCeiling, 'user');
    assert.equal(assembled.run.listBatches()[0]!.total, 4);
    const limits = await assembled.limiter.snapshot('haiku');
    assert.equal(limits.dimensions.requests.limit, 123, 'the configured RPM');
    assert.equal(limits.dimensions.outputTokens.limit, 1_000_000, "the build tier's OTPM");
  });

  it("hands the limiter this process's event-loop lag: a lag beyond the transit allowance holds the burst smaller", async () => {
    const burst = async (loopLag?: () => number) => {
      const opened = await assembleRun({
        files: [promptFileOf('engine-lag', 1)],
        settings: { limits: { tier: 'build', rpm: 1200 } },
        endpoint: { apiKey: 'sk-ant-simulator-dry-run', baseURL: 'http://127.0.0.1:9', simulated: true },
        // Time stands still: the count is the bucket's capacity, however slow the machine.
        clock: new FakeClock(0),
        outDir: dir,
        caller: new FakeCaller(),
        ...(loopLag ? { loopLag } : {}),
      });
      try {
        let n = 0;
        while ((await opened.limiter.admit({ modelClass: 'haiku', inputTokens: 1, maxTokens: 1 })).admitted) n++;
        return n;
      } finally {
        await opened.run.close();
        await opened.store.dispose();
      }
    };
    // 1,200 RPM at 98 %: 0.9 s of refill is 17 requests, 0.6 s (a 400 ms lag) is 11.
    assert.equal(await burst(), 17);
    assert.equal(await burst(() => 400), 11);
  });

  it("gives each conversation the settings' attempts: one, with maxAttempts 1", async () => {
    const caller = new FakeCaller(Array.from({ length: 3 }, () => ({ text: 'not a conversation' })));
    assembled = await assembleRun({
      files: [promptFileOf('engine-attempts', 3)],
      settings: { limits: { tier: 'build' }, maxAttempts: 1 },
      endpoint: { apiKey: 'sk-ant-simulator-dry-run', baseURL: 'http://127.0.0.1:9', simulated: true },
      clock: systemClock,
      outDir: dir,
      caller,
    });
    const summary = await assembled.run.start();
    assert.equal(summary.failed, 3);
    assert.equal(caller.requests.length, 3, 'no second attempt');
  });

  it('names the endpoint for outage messages: its base URL, else the public API', () => {
    assert.equal(endpointName({ apiKey: 'k', baseURL: 'http://127.0.0.1:8787', simulated: true }), 'http://127.0.0.1:8787');
    assert.equal(endpointName({ apiKey: 'k', simulated: false }), 'https://api.anthropic.com');
  });
});
