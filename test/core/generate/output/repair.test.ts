import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { planResume } from '../../../../src/core/generate/output/resume';
import type { ConversationSpec } from '../../../../src/core/generate/types';
import { lines, metaFor, recordFor, tempDir } from './helpers';

describe('dataset repair on open', () => {
  let t: ReturnType<typeof tempDir>;
  let datasetPath: string;
  let journalPath: string;
  beforeEach(async () => {
    t = tempDir();
    datasetPath = t.file('x.jsonl');
    journalPath = t.file('x.meta.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.append(recordFor('a'), metaFor('a', 0));
    await w.append(recordFor('b'), metaFor('b', 1));
    await w.close();
  });
  afterEach(() => t.cleanup());

  const committed = () => fs.readFileSync(datasetPath, 'utf8');

  it('cuts a torn last line of the dataset and reports the bytes', async () => {
    const before = committed();
    fs.appendFileSync(datasetPath, '{"messages":[{"role":"us');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    assert.equal(w.stats().repair.droppedDatasetBytes, 24);
    assert.equal(w.stats().repair.droppedDatasetLines, 0);
    await w.append(recordFor('c'), metaFor('c', 2));
    await w.close();
    assert.equal(committed(), before + `${JSON.stringify(recordFor('c'))}\n`);
    assert.ok(lines(datasetPath).every((l) => JSON.parse(l)));
  });

  it('drops a whole record whose journal line never got written, and it is regenerated once', async () => {
    const before = committed();
    fs.appendFileSync(datasetPath, `${JSON.stringify(recordFor('c'))}\n`); // crash before the journal write
    const w = await openDataset({ datasetPath, fsync: 'never' });
    assert.equal(w.stats().repair.droppedDatasetLines, 1);
    assert.equal(committed(), before);
    const specs = ['a', 'b', 'c'].map((id, index) => ({ id, index }) as ConversationSpec);
    const plan = planResume(specs, w, { retryFailed: false });
    assert.deepEqual(
      plan.todo.map((s) => s.id),
      ['c'],
    );
    await w.append(recordFor('c'), metaFor('c', 2));
    await w.close();
    const ids = lines(datasetPath).map((l) => (JSON.parse(l) as { messages: { content: string }[] }).messages[0]!.content);
    assert.deepEqual(ids, ['hello a', 'hello b', 'hello c'], 'c appears exactly once');
  });

  it('drops a torn journal line together with its record', async () => {
    const journalBefore = fs.readFileSync(journalPath, 'utf8');
    const before = committed();
    fs.appendFileSync(datasetPath, `${JSON.stringify(recordFor('c'))}\n`);
    fs.appendFileSync(journalPath, '{"id":"c","index":2,"sourceFile":"exa');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    const { repair } = w.stats();
    assert.equal(repair.droppedJournalBytes, 37);
    assert.equal(repair.droppedDatasetLines, 1);
    assert.deepEqual([...w.doneIds()].sort(), ['a', 'b']);
    await w.close();
    assert.equal(fs.readFileSync(journalPath, 'utf8'), journalBefore);
    assert.equal(committed(), before);
  });

  it('drops a whole but garbled last journal line (zeros left by a power loss)', async () => {
    fs.appendFileSync(journalPath, '\0\0\0\0\n');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    assert.equal(w.stats().repair.droppedJournalBytes, 5);
    assert.equal(w.stats().records, 2);
    await w.close();
  });

  it('refuses, naming the file, when the dataset is shorter than the journal says', async () => {
    const full = fs.readFileSync(datasetPath);
    fs.writeFileSync(datasetPath, full.subarray(0, full.length - 10));
    await assert.rejects(openDataset({ datasetPath }), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'output');
      assert.match(
        err.message,
        /x\.jsonl is \d+ bytes but x\.meta\.jsonl commits 2 records ending at byte \d+: committed records are missing/,
      );
      return true;
    });
    assert.equal(fs.readFileSync(datasetPath).length, full.length - 10, 'nothing was changed');
    assert.equal(fs.existsSync(t.file('x.jsonl.lock')), false);
  });

  it("refuses when a journaled record's bytes are not one JSON line", async () => {
    const full = fs.readFileSync(datasetPath);
    full[3] = 0x0a; // a newline inside record a
    fs.writeFileSync(datasetPath, full);
    await assert.rejects(
      openDataset({ datasetPath }),
      /x\.jsonl: record a at byte 0 \(\d+ bytes, per the journal\) is not one whole JSON line/,
    );
  });

  it('refuses a garbled journal line that is not the last one', async () => {
    const journal = lines(journalPath);
    fs.writeFileSync(journalPath, `${journal[0]}\nnot json\n${journal[1]}\n`);
    await assert.rejects(openDataset({ datasetPath }), /x\.meta\.jsonl line 2 \(byte \d+\) is not a valid entry and is not the last line/);
  });

  it('refuses a journal whose offsets do not follow each other', async () => {
    const [a, b] = lines(journalPath).map((l) => JSON.parse(l) as { offset: number });
    b!.offset += 1;
    fs.writeFileSync(journalPath, `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    await assert.rejects(
      openDataset({ datasetPath }),
      /line 2: record b is at byte \d+ of x\.jsonl but the previous record ends at byte \d+/,
    );
  });
});
