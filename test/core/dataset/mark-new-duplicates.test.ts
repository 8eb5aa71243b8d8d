import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { dedupIndexPath, loadDedupIndex } from '../../../src/core/dataset/dedup-index';
import { dropDuplicates, findDuplicates } from '../../../src/core/dataset/duplicate-marks';
import { markNewDuplicates } from '../../../src/core/dataset/mark-new-duplicates';
import { readJournal } from '../../../src/core/dataset/scan-datasets';
import { openDataset } from '../../../src/core/generate/output/dataset-writer';
import { metaFor, tempDir } from '../generate/output/helpers';

const TOPICS = ['tides', 'gravity', 'fractions', 'volcanoes', 'bread', 'trains', 'bees', 'glaciers', 'kites', 'owls'];

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

async function append(file: string, records: readonly [string, object][]): Promise<void> {
  const writer = await openDataset({ datasetPath: file, fsync: 'never' });
  for (const [id, r] of records) await writer.append(r, { ...metaFor(id, Number(id.slice(1))), promptHash: 'h'.repeat(64), batch: 'b' });
  await writer.close();
}

const pairs = (found: readonly { id: string; of: string; exact: boolean }[]) => found.map((f) => [f.id, f.of, f.exact]);

describe('marking after a run, incrementally (dataset index)', () => {
  let t: ReturnType<typeof tempDir>;
  let ds: string;
  beforeEach(async () => {
    t = tempDir();
    ds = t.file('set.jsonl');
    await append(
      ds,
      TOPICS.slice(0, 8).map((topic, i) => [`c${i}`, conversation(topic)]),
    );
  });
  afterEach(() => t.cleanup());

  it('the first pass reads every conversation and leaves an index; the next reads only the new ones', async () => {
    const first = await markNewDuplicates([ds]);
    assert.deepEqual([first.compared, first.known, first.search.found.length], [8, 0, 0]);
    assert.equal(loadDedupIndex(ds)?.records.size, 8);
    await append(ds, [
      ['c8', conversation(TOPICS[0]!, 'today')],
      ['c9', conversation(TOPICS[8]!)],
      ['c10', conversation(TOPICS[2]!)],
    ]);
    const second = await markNewDuplicates([ds]);
    assert.deepEqual([second.compared, second.known], [3, 8]);
    assert.deepEqual(pairs(second.search.found), [
      ['c8', 'c0', false],
      ['c10', 'c2', true],
    ]);
    assert.equal(second.marked, 2);
    const marks = (await readJournal(ds)).marks.filter((m) => m.mark === 'duplicate');
    assert.deepEqual(
      marks.map((m) => (m.mark === 'duplicate' ? [m.id, m.of] : [])),
      [
        ['c8', 'c0'],
        ['c10', 'c2'],
      ],
    );
    // The same verdicts as a full pass over the whole dataset.
    assert.deepEqual(pairs(second.search.found), pairs((await findDuplicates([ds])).found));
    const third = await markNewDuplicates([ds]);
    assert.deepEqual([third.compared, third.known, third.marked], [0, 11, 0]);
  });

  it('a copy of a duplicate that is only in the index is matched against the original', async () => {
    await append(ds, [['c8', conversation(TOPICS[0]!, 'today')]]);
    await markNewDuplicates([ds]);
    await append(ds, [['c9', conversation(TOPICS[0]!, 'today')]]);
    const next = await markNewDuplicates([ds]);
    assert.equal(next.compared, 1);
    // c8 was a duplicate (not indexed for near matches) but its exact fingerprint is kept.
    assert.deepEqual(pairs(next.search.found), [['c9', 'c8', true]]);
  });

  it('an index made at another threshold, or damaged, is not used: the pass reads everything and rebuilds it', async () => {
    await markNewDuplicates([ds], 0.8);
    const other = await markNewDuplicates([ds], 0.7);
    assert.deepEqual([other.compared, other.known], [8, 0]);
    assert.equal(loadDedupIndex(ds)?.threshold, 0.7);
    fs.writeFileSync(dedupIndexPath(ds), fs.readFileSync(dedupIndexPath(ds)).subarray(0, 50));
    const rebuilt = await markNewDuplicates([ds], 0.7);
    assert.deepEqual([rebuilt.compared, rebuilt.known], [8, 0]);
    assert.equal(loadDedupIndex(ds)?.records.size, 8);
  });

  it('across datasets, an existing conversation of a later dataset is the original of a new one in an earlier dataset', async () => {
    const other = t.file('other.jsonl');
    await append(other, [['c20', conversation(TOPICS[9]!)]]);
    await markNewDuplicates([ds, other]);
    await append(ds, [['c8', conversation(TOPICS[9]!)]]);
    const next = await markNewDuplicates([ds, other]);
    assert.deepEqual(
      next.search.found.map((f) => [f.id, f.of, f.ofDataset === other]),
      [['c8', 'c20', true]],
    );
  });

  it('dropping a duplicate forgets it in the index, so a conversation made again under its id is compared anew', async () => {
    await append(ds, [['c8', conversation(TOPICS[0]!, 'today')]]);
    const found = await markNewDuplicates([ds]);
    await dropDuplicates(found.search, false);
    assert.equal(loadDedupIndex(ds)?.records.size, 8);
    assert.ok(![...loadDedupIndex(ds)!.records.keys()].some((k) => k.startsWith('c8\t')));
    const after = await markNewDuplicates([ds]);
    assert.deepEqual([after.compared, after.known], [0, 8]);
  });

  it('finds what the whole-dataset pass finds when the new conversations span several megabyte reads', async () => {
    // ~3 MB of new records, a megabyte read serving many: copies planted across the read boundaries.
    const long = (topic: string, i: number) => conversation(`${topic} ${`${topic} ${i} `.repeat(400)}`);
    await append(
      ds,
      Array.from({ length: 300 }, (_, i): [string, object] => [
        `c${8 + i}`,
        i % 25 === 24 ? long(TOPICS[i % 10]!, i - 20) : long(TOPICS[i % 10]!, i),
      ]),
    );
    fs.rmSync(dedupIndexPath(ds), { force: true });
    const whole = await findDuplicates([ds]);
    const incremental = await markNewDuplicates([ds]);
    assert.ok(fs.statSync(ds).size > 2.5 * (1 << 20), `${fs.statSync(ds).size} bytes`);
    assert.ok(whole.found.length >= 12, `${whole.found.length} found`);
    assert.deepEqual(pairs(incremental.search.found), pairs(whole.found));
    // Every record was read whole: each one that is not a duplicate left its keys in the index.
    const keyed = [...loadDedupIndex(ds)!.records.values()].filter((r) => r.keysAt !== undefined).length;
    assert.equal(keyed, 308 - whole.found.length);
  });
});
