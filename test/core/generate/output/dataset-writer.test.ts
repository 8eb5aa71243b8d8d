import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { FakeClock } from '../../../support/fake-clock';
import { lines, metaFor, recordFor, tempDir } from './helpers';

describe('dataset writer', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('appends records with their journal lines and reopens with the same done ids', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never', clock: new FakeClock() });
    const a = await w.append(recordFor('a'), metaFor('a', 0));
    const b = await w.append(recordFor('b'), metaFor('b', 1));
    assert.equal(a.status, 'written');
    assert.deepEqual(w.stats().records, 2);
    await w.close();

    const data = fs.readFileSync(datasetPath);
    const journal = lines(t.file('x.meta.jsonl')).map((l) => JSON.parse(l) as { id: string; offset: number; length: number; time: string });
    assert.deepEqual(
      journal.map((j) => j.id),
      ['a', 'b'],
    );
    assert.equal(journal[0]!.time, '2026-11-23T12:00:00.000Z');
    for (const j of journal) {
      const bytes = data.subarray(j.offset, j.offset + j.length).toString('utf8');
      assert.ok(bytes.endsWith('\n'));
      assert.equal(JSON.stringify(JSON.parse(bytes)), JSON.stringify(recordFor(j.id)), 'offset and length point at the record');
    }
    assert.equal(b.status === 'written' && b.offset, journal[1]!.offset);
    assert.equal(fs.existsSync(t.file('x.jsonl.lock')), false, 'close releases the lock');

    const again = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual([...again.doneIds()].sort(), ['a', 'b']);
    assert.equal(again.stats().repair.droppedDatasetBytes, 0);
    await again.close();
  });

  it('records the version of Conversation Forge that wrote each record, and still reads journal lines without one', async () => {
    const datasetPath = t.file('x.jsonl');
    const { version } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string };
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.append(recordFor('a'), metaFor('a', 0));
    await w.close();
    const [line] = lines(t.file('x.meta.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(line!['forgeVersion'], version);

    // a sidecar from before the field existed: same record, no forgeVersion
    const { forgeVersion: _, ...older } = line!;
    fs.writeFileSync(t.file('x.meta.jsonl'), `${JSON.stringify(older)}\n`);
    const again = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual([...again.doneIds()], ['a']);
    assert.equal(again.stats().repair.droppedJournalBytes, 0);
    await again.close();
  });

  it('keeps training records free of metadata', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.append({ messages: [] }, metaFor('a'));
    await w.close();
    assert.equal(fs.readFileSync(datasetPath, 'utf8'), '{"messages":[]}\n');
  });

  it('serializes concurrent appends in call order', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'always' });
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    // Big and small records mixed, so an unserialized writer would interleave or reorder them.
    await Promise.all(ids.map((id, i) => w.append({ id, pad: 'x'.repeat(i % 2 ? 20_000 : 5) }, metaFor(id, i))));
    await w.close();
    const records = lines(datasetPath).map((l) => (JSON.parse(l) as { id: string }).id);
    const journal = lines(t.file('x.meta.jsonl')).map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual(records, ids);
    assert.deepEqual(journal, ids);
  });

  it('never writes an id twice, even when appended concurrently', async () => {
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    const results = await Promise.all([w.append(recordFor('a'), metaFor('a')), w.append(recordFor('a'), metaFor('a'))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['written', 'duplicate'],
    );
    await w.close();
    assert.equal(lines(t.file('x.jsonl')).length, 1);
  });

  it('refuses a dataset it did not write, but adopts an empty one', async () => {
    fs.writeFileSync(t.file('mine.jsonl'), '{"messages":[]}\n');
    await assert.rejects(openDataset({ datasetPath: t.file('mine.jsonl') }), (err: Error) => {
      assert.match(err.message, /mine\.jsonl already exists and has no mine\.meta\.jsonl beside it/);
      return true;
    });
    assert.equal(fs.readFileSync(t.file('mine.jsonl'), 'utf8'), '{"messages":[]}\n', 'left untouched');
    assert.equal(fs.existsSync(t.file('mine.jsonl.lock')), false, 'lock released after refusing');

    fs.writeFileSync(t.file('empty.jsonl'), '');
    const w = await openDataset({ datasetPath: t.file('empty.jsonl'), fsync: 'never' });
    await w.append(recordFor('a'), metaFor('a'));
    await w.close();
    assert.equal(lines(t.file('empty.jsonl')).length, 1);
  });

  it("'batch' fsyncs on a timer from the clock, and rejects appends after close", async () => {
    const clock = new FakeClock();
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'batch', fsyncEveryMs: 500, clock });
    await w.append(recordFor('a'), metaFor('a'));
    assert.equal(clock.pendingTimers, 1, 'a sync is scheduled after the first unsynced write');
    await clock.advance(500);
    assert.equal(clock.pendingTimers, 0);
    await w.close();
    await assert.rejects(w.append(recordFor('b'), metaFor('b')), /is closed/);
  });

  it('validates options and ids with uniform messages', async () => {
    await assert.rejects(
      openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'sometimes' as 'never' }),
      /Expected `fsync` to be one of `always`, `batch`, `never`, got `sometimes`/,
    );
    await assert.rejects(
      openDataset({ datasetPath: t.file('x.jsonl'), fsyncEveryRecords: 0 }),
      /Expected `fsyncEveryRecords` to be an integer from 1 and up, got `0` \(number\)/,
    );
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    await assert.rejects(w.append(recordFor('x'), metaFor('bad id')), /Expected `meta.id` to be a string matching/);
    await w.close();
  });
});
