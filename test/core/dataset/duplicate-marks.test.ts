import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { dropDuplicates, findDuplicates, markDuplicates } from '../../../src/core/dataset/duplicate-marks';
import { readJournal } from '../../../src/core/dataset/scan-datasets';
import { openDataset } from '../../../src/core/generate/output/dataset-writer';
import { datasetFiles } from '../../../src/core/generate/output/paths';
import { rewriteDataset, type RewriteStop } from '../../../src/core/generate/output/rewrite-dataset';
import { lines, metaFor, tempDir } from '../generate/output/helpers';

const TOPICS = ['tides', 'gravity', 'fractions', 'volcanoes', 'bread', 'trains', 'bees', 'glaciers'];

function conversation(topic: string, twist = ''): object {
  return {
    messages: [
      { role: 'user', content: `Tell me something surprising about ${topic}, please, in a few sentences ${twist}` },
      {
        role: 'assistant',
        content: `Here is something about ${topic}: people who study ${topic} for years still find new questions about ${topic} every season, and the answers keep changing what we know.`,
      },
    ],
  };
}

/** Eight different conversations, then two near copies of the first and one exact copy of the third. */
async function plantedDataset(file: string): Promise<void> {
  const writer = await openDataset({ datasetPath: file, fsync: 'never' });
  const records = [
    ...TOPICS.map((t) => conversation(t)),
    conversation(TOPICS[0]!, 'today'),
    conversation(TOPICS[0]!, 'tomorrow'),
    conversation(TOPICS[2]!),
  ];
  for (const [i, r] of records.entries()) await writer.append(r, { ...metaFor(`c${i}`, i), promptHash: 'h'.repeat(64), batch: 'b' });
  await writer.close();
}

describe('duplicates marked in the journal', () => {
  let t: ReturnType<typeof tempDir>;
  let ds: string;
  beforeEach(async () => {
    t = tempDir();
    ds = t.file('set.jsonl');
    await plantedDataset(ds);
  });
  afterEach(() => t.cleanup());

  it('finds the planted duplicates and names what they duplicate', async () => {
    const search = await findDuplicates([ds], 0.8);
    assert.deepEqual(
      search.found.map((f) => [f.id, f.of, f.exact]),
      [
        ['c8', 'c0', false],
        ['c9', 'c0', false],
        ['c10', 'c2', true],
      ],
    );
  });

  it('marks are appended after what was there, byte for byte, once; the dataset opens and resumes as before', async () => {
    const { journal } = datasetFiles(ds);
    const before = fs.readFileSync(journal);
    const search = await findDuplicates([ds], 0.8);
    assert.deepEqual(await markDuplicates(search), { marked: 3, already: 0 });
    const after = fs.readFileSync(journal);
    assert.ok(after.subarray(0, before.length).equals(before), 'the journal before the marks is untouched');
    assert.deepEqual(await markDuplicates(search), { marked: 0, already: 3 });
    assert.equal(fs.readFileSync(journal).length, after.length);
    const marks = (await readJournal(ds)).marks;
    assert.deepEqual(
      marks.map((m) => m.mark === 'duplicate' && `${m.id}>${m.of}@${m.threshold}`),
      ['c8>c0@0.8', 'c9>c0@0.8', 'c10>c2@0.8'],
    );
    const writer = await openDataset({ datasetPath: ds, fsync: 'never' });
    assert.equal(writer.stats().records, 11);
    await writer.append(conversation('moss'), metaFor('c11', 11));
    await writer.close();
    assert.equal(lines(ds).length, 12);
  });

  it('a mark torn by a crash is dropped on open; the marks before it stay', async () => {
    await markDuplicates(await findDuplicates([ds], 0.8));
    const { journal } = datasetFiles(ds);
    fs.appendFileSync(journal, '{"mark":"duplicate","id":"c3","of":"c');
    const writer = await openDataset({ datasetPath: ds, fsync: 'never' });
    assert.equal(writer.stats().repair.droppedJournalBytes, '{"mark":"duplicate","id":"c3","of":"c'.length);
    await writer.close();
    assert.equal((await readJournal(ds)).marks.length, 3);
  });

  it('drop: the duplicates leave the dataset, the rest keep their bytes, the journal offsets are rebuilt', async () => {
    const kept = lines(ds).slice(0, 8);
    const [outcome] = await dropDuplicates(await findDuplicates([ds], 0.8), false);
    assert.deepEqual(outcome!.result.dropped, 3);
    assert.deepEqual(lines(ds), kept);
    const writer = await openDataset({ datasetPath: ds, fsync: 'never' }); // checks every offset against the dataset
    assert.equal(writer.stats().records, 8);
    assert.equal(writer.isDone('c9'), false);
    assert.deepEqual([...writer.droppedOf('h'.repeat(64))], [8, 9, 10], 'recorded, so a run does not make them again');
    assert.equal(writer.regenerationsOf('h'.repeat(64)).size, 0);
    await writer.close();
    assert.equal((await findDuplicates([ds], 0.8)).found.length, 0);
  });

  for (const stop of ['before-intent', 'after-intent', 'between-renames'] as RewriteStop[]) {
    it(`a drop killed ${stop.replace('-', ' ')} leaves a whole dataset on the next open: ${stop === 'before-intent' ? 'the old one' : 'the new one'}`, async () => {
      const old = lines(ds);
      assert.throws(() => rewriteDataset(ds, { drop: new Set(['c8', 'c9', 'c10']) }, undefined, stop), /stopped/);
      const writer = await openDataset({ datasetPath: ds, fsync: 'never' });
      const records = writer.stats().records;
      await writer.close();
      assert.equal(records, stop === 'before-intent' ? 11 : 8);
      assert.deepEqual(lines(ds), stop === 'before-intent' ? old : old.slice(0, 8));
      assert.deepEqual(
        fs.readdirSync(t.dir).filter((f) => f.includes('rewrite')),
        [],
        'no temporary is left behind',
      );
    });
  }

  it('regenerate: each dropped conversation gets a recorded round, one past any earlier round', async () => {
    await dropDuplicates(await findDuplicates([ds], 0.8), true);
    let writer = await openDataset({ datasetPath: ds, fsync: 'never' });
    assert.deepEqual(
      [...writer.regenerationsOf('h'.repeat(64))],
      [
        [8, 1],
        [9, 1],
        [10, 1],
      ],
    );
    // The regenerated c8 comes out a duplicate again: a second round is recorded for it.
    await writer.append(conversation(TOPICS[0]!, 'again'), { ...metaFor('c8', 8), promptHash: 'h'.repeat(64), batch: 'b' });
    await writer.close();
    await dropDuplicates(await findDuplicates([ds], 0.8), true);
    writer = await openDataset({ datasetPath: ds, fsync: 'never' });
    assert.equal(writer.regenerationsOf('h'.repeat(64)).get(8), 2);
    await writer.close();
  });
});
