import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { FakeMessageBatchApi, goodAnswer } from '../../support/fake-message-batch-api';
import { newWorld, promptFile, Session } from './harness';
import { batchFile, jsonLines, openBatchRun } from './run-support';

describe('Message Batches attempts', () => {
  it('honour the run’s maxAttempts (--max-attempts): a request errored every time is tried that many times, then fails', async () => {
    const { dir, file } = await batchFile(2);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 5;
    api.respond = (r) => ({ customId: r.customId, type: 'errored', errorType: 'api_error', message: 'boom' });
    const run = await openBatchRun([file], api, { maxAttempts: 2 });
    const summary = await run.start();
    await run.close();
    assert.equal(summary.failed, 2);
    assert.deepEqual([...api.submitted.values()], [2, 2], 'each custom_id submitted exactly maxAttempts times');
    const failures = jsonLines<{ attempts: number; reason: string }>(path.join(dir, 'out/kb.failed.jsonl'));
    assert.equal(failures.length, 2);
    assert.ok(
      failures.every((f) => f.attempts === 2 && /api_error: boom 2 time/.test(f.reason)),
      JSON.stringify(failures),
    );
  });

  it('default to the online default (5) when the run gives none', async () => {
    const { file } = await batchFile(1);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 5;
    api.respond = (r, attempt) => (attempt < 5 ? { customId: r.customId, type: 'expired' } : goodAnswer(r, attempt));
    const run = await openBatchRun([file], api);
    const summary = await run.start();
    await run.close();
    assert.equal(summary.generated, 1, 'the fifth attempt is still made');
    assert.deepEqual([...api.submitted.values()], [5]);
  });

  it('count per request: each `turns` message has its own attempts, and the record counts every request the conversation took', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 1, 'turns', 2);
    // Every message expires twice before it is answered: 2 retries each, within the harness's cap of 3 per message.
    api.respond = (r, attempt) => (attempt < 3 ? { customId: r.customId, type: 'expired' } : goodAnswer(r, attempt));
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.deepEqual(s.failures, []);
    assert.equal(s.datasetIds().length, 1);
    assert.deepEqual([...api.submitted.values()], [3, 3]);
    const meta = fs
      .readFileSync(file.output.path.replace(/\.jsonl$/, '.meta.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { attempts: number });
    assert.equal(meta[0]!.attempts, 6, 'two messages, three requests each');
  });
});
