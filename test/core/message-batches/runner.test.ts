import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { specIdAt } from '../../../src/core/generate/prompt-file';
import { messageBatchJournalPath } from '../../../src/core/message-batches/message-batch-journal';
import { goodAnswer } from '../../support/fake-message-batch-api';
import { newWorld, promptFile, Session } from './harness';

describe('Message Batches runner (fake API, fake clock)', () => {
  it('submits every conversation in one batch, waits for it and writes each result once', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 7);
    const s = await (await new Session(file, api, clock).open()).start();
    const end = await s.finish();
    await s.close();
    assert.equal(end.phase, 'finished');
    assert.equal(api.calls.create, 1);
    const ids = s.datasetIds();
    assert.equal(ids.length, 7);
    assert.equal(new Set(ids).size, 7);
    for (let i = 0; i < 7; i++) assert.ok(ids.includes(specIdAt(file, i)));
    assert.deepEqual([...api.submitted.values()], [1, 1, 1, 1, 1, 1, 1]);
  });

  it('adopts the batch a lost create made instead of creating another', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 5);
    api.loseNextCreateAnswer = true;
    const s = await (await new Session(file, api, clock).open()).start();
    const end = await s.finish();
    await s.close();
    assert.equal(end.phase, 'finished');
    assert.equal(api.batches.size, 1, 'one batch at Anthropic');
    assert.equal(api.calls.create, 1);
    assert.ok(api.calls.list >= 1);
    assert.equal(s.datasetIds().length, 5);
    const lines = fs.readFileSync(messageBatchJournalPath(file.output.path), 'utf8');
    assert.match(lines, /"adopted":true/);
  });

  it('after a crash between intent and id, the next process adopts the batch and writes everything once', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 4);
    // The create reached Anthropic, then the process died before journaling the id: the fake
    // loses the answer and the session is left while it waits to list.
    api.loseNextCreateAnswer = true;
    const first = await (await new Session(file, api, clock, { recoverDelayMs: 60_000 }).open()).start();
    await first.until(() => api.calls.create === 1);
    first.runner.leaveRun();
    assert.equal((await first.finish()).phase, 'left');
    await first.close();
    assert.equal(api.batches.size, 1);

    const second = await (await new Session(file, api, clock).open()).start();
    assert.equal(second.runner.resumed, 1, 'the unresolved intent counts as still processing');
    assert.equal((await second.finish()).phase, 'finished');
    await second.close();
    assert.equal(api.calls.create, 1, 'no second create');
    assert.deepEqual(second.datasetIds().sort(), [0, 1, 2, 3].map((i) => specIdAt(file, i)).sort());
  });

  it('an intent whose create never reached Anthropic is marked absent and submitted again', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 3);
    api.failNextCreate = Object.assign(new Error('socket hang up'), { name: 'APIConnectionError', cause: { code: 'ECONNRESET' } });
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.batches.size, 1);
    assert.equal(api.calls.create, 2);
    assert.match(fs.readFileSync(messageBatchJournalPath(file.output.path), 'utf8'), /"t":"absent"/);
    assert.equal(s.datasetIds().length, 3);
  });

  it('resubmits only the errored, expired and canceled requests, in a new batch; invalid requests go to the failures file', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 6);
    const bad = new Map([
      [specIdAt(file, 1), 'errored'],
      [specIdAt(file, 2), 'expired'],
      [specIdAt(file, 3), 'invalid'],
    ]);
    api.respond = (r, attempt) => {
      const kind = attempt === 1 ? bad.get(r.customId) : undefined;
      if (kind === 'errored') return { customId: r.customId, type: 'errored', errorType: 'overloaded_error', message: 'busy' };
      if (kind === 'expired') return { customId: r.customId, type: 'expired' };
      if (kind === 'invalid' || bad.get(r.customId) === 'invalid')
        return { customId: r.customId, type: 'errored', errorType: 'invalid_request_error', message: 'max_tokens too large' };
      return goodAnswer(r, attempt);
    };
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.batches.size, 2);
    const second = [...api.batches.values()][1]!;
    assert.deepEqual(second.requests.map((r) => r.customId).sort(), [specIdAt(file, 1), specIdAt(file, 2)].sort());
    assert.equal(s.datasetIds().length, 5);
    assert.deepEqual(
      s.failures.map((f) => [f.id, f.kind]),
      [[specIdAt(file, 3), 'invalid_request']],
    );
    assert.match(s.failures[0]!.reason, /invalid_request_error: max_tokens too large/);
  });

  it('a download that breaks half way is read again without writing anything twice', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 10);
    api.breakNextDownloadAfter = 4;
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.calls.results, 2);
    const ids = s.datasetIds();
    assert.equal(ids.length, 10);
    assert.equal(new Set(ids).size, 10);
  });

  it('a process killed after writing part of a download repeats it next time, writing the rest only', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 8);
    api.breakNextDownloadAfter = 3;
    const first = await (await new Session(file, api, clock, { retryDelayMs: 3_600_000 }).open()).start();
    await first.until(() => api.calls.results === 1 && first.datasetIds().length === 3);
    first.runner.leaveRun();
    await first.finish();
    await first.close();
    const second = await (await new Session(file, api, clock).open()).start();
    assert.equal(second.runner.resumed, 1);
    assert.equal((await second.finish()).phase, 'finished');
    await second.close();
    const ids = second.datasetIds();
    assert.equal(ids.length, 8);
    assert.equal(new Set(ids).size, 8);
    assert.equal(api.calls.create, 1);
  });

  it('turns conversations advance one message per round, the transcript journaled between rounds', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 3, 'turns', 4);
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.batches.size, 4, 'one round per message');
    const rounds = [...api.batches.values()].map((b) => b.requests.map((r) => r.customId.replace(/^.*_m/, 'm')));
    assert.deepEqual(rounds, [
      ['m1', 'm1', 'm1'],
      ['m2', 'm2', 'm2'],
      ['m3', 'm3', 'm3'],
      ['m4', 'm4', 'm4'],
    ]);
    assert.equal(s.datasetIds().length, 3);
    const record = JSON.parse(fs.readFileSync(file.output.path, 'utf8').split('\n')[0]!) as { messages: unknown[] };
    assert.equal(record.messages.length, 4);
  });

  it('a turns run left between rounds resumes at the next message', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 2, 'turns', 4);
    const first = await (await new Session(file, api, clock).open()).start();
    await first.until(() => api.batches.size === 2);
    first.runner.leaveRun();
    await first.finish();
    await first.close();
    const second = await (await new Session(file, api, clock).open()).start();
    assert.equal((await second.finish()).phase, 'finished');
    await second.close();
    assert.equal(api.batches.size, 4);
    assert.deepEqual([...new Set(api.submitted.values())], [1], 'every round of every conversation submitted once');
  });

  it('cancel cancels the remote batch, keeps nothing pending and submits nothing new', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 3);
    // Long enough that the fake clock, stepping while the journal syncs, cannot end the batch first.
    api.processMs = 24 * 3600_000 - 1;
    const s = await (await new Session(file, api, clock).open()).start();
    await s.until(() => api.batches.size === 1);
    s.runner.cancel();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.calls.cancel, 1);
    assert.equal(api.batches.size, 1);
    assert.equal(s.datasetIds().length, 0);
  });

  it('a spend cap on create stops the runner and keeps the journal for the next run', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 3);
    api.failNextCreate = Object.assign(new Error('spend'), {
      status: 429,
      error: { error: { type: 'rate_limit_error', details: { error_code: 'enforced_spend_limit_reached' } } },
    });
    const s = await (await new Session(file, api, clock).open()).start();
    const end = await s.finish();
    await s.close();
    assert.equal(end.phase, 'stopped');
    assert.equal(end.error?.kind, 'spend_cap');
    assert.equal(api.batches.size, 0);
  });
});
