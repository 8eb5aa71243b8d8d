import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { lines, metaFor, recordFor, tempDir } from './helpers';

const V1 = '1'.repeat(64);
const V2 = '2'.repeat(64);

function versioned(id: string, index: number, batch: string, promptHash: string) {
  return { ...metaFor(id, index), batch, promptHash };
}

describe('dataset writer: prompt versions in the journal', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('records batch and promptHash on each journal line and counts them per batch, also after reopening', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.append(recordFor('a'), versioned('a', 0, 'support', V1));
    await w.append(recordFor('b'), versioned('b', 1, 'support', V1));
    await w.append(recordFor('c'), versioned('c', 0, 'support', V2));
    await w.append(recordFor('d'), versioned('d', 0, 'billing', V1));
    assert.deepEqual(
      w.versionsOf('support'),
      new Map([
        [V1, 2],
        [V2, 1],
      ]),
    );
    await w.close();

    const journal = lines(t.file('x.meta.jsonl')).map((l) => JSON.parse(l) as { batch: string; promptHash: string });
    assert.deepEqual(
      journal.map((j) => [j.batch, j.promptHash]),
      [
        ['support', V1],
        ['support', V1],
        ['support', V2],
        ['billing', V1],
      ],
    );

    const again = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual(
      again.versionsOf('support'),
      new Map([
        [V1, 2],
        [V2, 1],
      ]),
    );
    assert.deepEqual(again.versionsOf('billing'), new Map([[V1, 1]]));
    assert.deepEqual(again.versionsOf('nothing-here'), new Map());
    assert.deepEqual(
      again.batchesFrom('examples/support.forge.yaml'),
      new Map([
        ['support', 3],
        ['billing', 1],
      ]),
    );
    assert.deepEqual(again.batchesFrom('elsewhere.forge.yaml'), new Map());
    assert.deepEqual(again.unversioned(), []);
    await again.close();
  });

  it('opens a sidecar written before versions were recorded; its records are done and listed as unversioned', async () => {
    const datasetPath = t.file('old.jsonl');
    const record = `${JSON.stringify(recordFor('old-1'))}\n`;
    fs.writeFileSync(datasetPath, record);
    const legacyLine = {
      id: 'old-1',
      index: 0,
      sourceFile: 'prompts/old.forge.yaml',
      variables: { topic: 'refunds' },
      model: 'claude-haiku-5-5',
      usage: { inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      costUsd: 0.0001,
      attempts: 1,
      offset: 0,
      length: Buffer.byteLength(record),
      time: '2026-11-23T12:00:00.000Z',
    };
    fs.writeFileSync(t.file('old.meta.jsonl'), `${JSON.stringify(legacyLine)}\n`);

    const w = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual([...w.doneIds()], ['old-1']);
    assert.equal(w.stats().repair.droppedJournalBytes, 0, 'the old line is kept, not cut as torn');
    assert.deepEqual(w.unversioned(), [{ id: 'old-1', sourceFile: 'prompts/old.forge.yaml' }]);
    assert.deepEqual(w.versionsOf('old'), new Map());
    // New records next to old ones carry their version.
    await w.append(recordFor('new-1'), versioned('new-1', 0, 'old', V1));
    assert.deepEqual(w.versionsOf('old'), new Map([[V1, 1]]));
    await w.close();
    assert.equal(lines(datasetPath).length, 2);
  });
});
