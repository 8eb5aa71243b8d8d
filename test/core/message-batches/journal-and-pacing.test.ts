import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PacedMessageBatchApi } from '../../../src/core/message-batches/call-pacer';
import { MessageBatchJournal } from '../../../src/core/message-batches/message-batch-journal';
import { PollSchedule } from '../../../src/core/message-batches/poll-schedule';
import { ForgeError } from '../../../src/core/errors';
import { FakeClock } from '../../support/fake-clock';
import { FakeMessageBatchApi } from '../../support/fake-message-batch-api';
import { newWorld, promptFile, Session, tempDir } from './harness';

describe('Message Batches journal, pacing and preflight', () => {
  it('a torn last line (a crash mid-write) is cut on open; the intent before it survives as unresolved', async () => {
    const file = path.join(tempDir(), 'x.message-batches.jsonl');
    const j = (await MessageBatchJournal.open(file))!;
    await j.append({ t: 'intent', key: 'k1', file: 'kb', at: 1000, requests: [{ c: 'a', id: 'a', i: 0 }] }, true);
    await j.close();
    fs.appendFileSync(file, '{"t":"created","key":"k1","batchId":"msgb');
    const again = (await MessageBatchJournal.open(file))!;
    assert.equal(again.state.unresolved('kb').length, 1);
    assert.equal(again.state.batches.size, 0);
    await again.append({ t: 'created', key: 'k1', batchId: 'b1', createdAt: 1, expiresAt: 2 }, true);
    await again.close();
    const reopened = (await MessageBatchJournal.open(file))!;
    assert.equal(reopened.state.unresolved('kb').length, 0);
    assert.deepEqual([...reopened.state.inFlight('kb')], ['a']);
    await reopened.close();
  });

  it('spaces calls by the RPM and holds every call for a 429 retry-after', async () => {
    const clock = new FakeClock();
    const api = new FakeMessageBatchApi(clock);
    const paced = new PacedMessageBatchApi(api, clock, 60);
    const times: number[] = [];
    const call = async () => {
      await paced.list();
      times.push(clock.now());
    };
    const start = clock.now();
    const all = Promise.all([call(), call(), call()]);
    await clock.runUntil(() => times.length === 3);
    await all;
    assert.deepEqual(
      times.map((t) => t - start),
      [0, 1000, 2000],
    );
    api.list = async () => {
      throw new ForgeError('rate_limited', '429', { retryAfterMs: 30_000 });
    };
    const refused = assert.rejects(paced.list(), /429/);
    await clock.advance(1000); // its turn after the three before it
    await refused;
    const at = clock.now();
    api.list = FakeMessageBatchApi.prototype.list.bind(api);
    let done = false;
    void paced.list().then(() => (done = true));
    await clock.advance(29_000);
    assert.equal(done, false, 'held by the retry-after');
    await clock.advance(2_000);
    assert.equal(done, true);
    assert.ok(clock.now() - at >= 30_000);
  });

  it('polls back off from the first interval to the longest, and a new batch starts over', () => {
    const s = new PollSchedule({ initialMs: 1000, maxMs: 5000, factor: 2 });
    s.created('b', 0);
    assert.equal(s.due('b', 999), false);
    assert.equal(s.due('b', 1000), true);
    const waits: number[] = [];
    let now = 1000;
    for (let i = 0; i < 5; i++) {
      s.polled('b', now);
      const next = s.earliest(['b'])!;
      waits.push(next - now);
      now = next;
    }
    assert.deepEqual(waits, [2000, 4000, 5000, 5000, 5000]);
  });

  it('refuses a request too large for any Message Batch before creating anything, naming file, line and field', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 2);
    const s = await (await new Session(file, api, clock, { limits: { maxRequests: 10, maxBytes: 300 } }).open()).start();
    const end = await s.finish();
    await s.close();
    assert.equal(end.phase, 'stopped');
    assert.equal(api.calls.create, 0);
    assert.match(end.error!.message, /kb\.forge\.yaml:7:9: prompt: conversation 0 needs a \d+-byte request/);
  });
});
