import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { planResume } from '../../../../src/core/generate/output/resume';
import type { ConversationSpec } from '../../../../src/core/generate/types';
import { lines, metaFor, recordFor, tempDir } from './helpers';

const spec = (id: string, index: number) => ({ id, index }) as ConversationSpec;
const failure = (id: string, reason: string, attempts = 3) =>
  ({ id, index: 0, sourceFile: 'f.forge.yaml', kind: 'invalid_output', reason, attempts }) as const;

describe('failed entries and resume', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('keeps the latest failure per id, forgets ids later done, and survives reopen', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.recordFailure(failure('a', 'first'));
    await w.recordFailure(failure('a', 'second'));
    await w.recordFailure(failure('b', 'gave up'));
    await w.append(recordFor('b'), metaFor('b'));
    assert.deepEqual([...w.failed().keys()], ['a']);
    assert.equal(w.failed().get('a')!.reason, 'second');
    await w.close();

    const failedLines = lines(t.file('x.failed.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(failedLines.length, 3);
    assert.deepEqual(Object.keys(failedLines[0]!).sort(), ['attempts', 'id', 'index', 'kind', 'reason', 'sourceFile', 'time']);

    fs.appendFileSync(t.file('x.failed.jsonl'), '{"id":"c","ind'); // torn by a crash
    const again = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual(
      [...again.failed().entries()].map(([id, e]) => [id, e.reason]),
      [['a', 'second']],
    );
    assert.equal(again.stats().repair.droppedFailedBytes, 14);
    assert.equal(again.stats().failed, 1);
    await again.close();
  });

  it('planResume skips done ones, and failed ones unless retryFailed', async () => {
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    await w.append(recordFor('a'), metaFor('a'));
    await w.recordFailure(failure('b', 'refused'));
    const specs = [spec('a', 0), spec('b', 1), spec('c', 2)];
    assert.deepEqual(planResume(specs, w, { retryFailed: false }), { todo: [specs[2]], skippedDone: 1, skippedFailed: 1 });
    assert.deepEqual(planResume(specs, w, { retryFailed: true }), { todo: [specs[1], specs[2]], skippedDone: 1, skippedFailed: 0 });
    await w.close();
  });
});
