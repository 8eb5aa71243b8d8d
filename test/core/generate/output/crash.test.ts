import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import type { JournalEntry } from '../../../../src/core/generate/output/types';
import { tempDir } from './helpers';

const CHILD = path.join(__dirname, 'fixtures', 'append-forever.ts');

/** Starts the appending child; resolves once it holds the lock, then kills it after `ms`. */
function runAndKill(datasetPath: string, policy: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, datasetPath, policy], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
    child.on('error', reject);
    // 'exit' (not 'close'): the pid is reaped, so the next open sees its lock as stale.
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited with ${code}: ${stderr}`))));
  });
}

/** Every line parses, each journaled id once, offsets contiguous and pointing at their records. */
function checkDataset(datasetPath: string, journalPath: string): JournalEntry[] {
  const data = fs.readFileSync(datasetPath);
  const text = data.toString('utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'ends with a whole line');
  const recordLines = text === '' ? [] : text.slice(0, -1).split('\n');
  for (const line of recordLines) assert.doesNotThrow(() => JSON.parse(line), `unparseable line: ${line.slice(0, 80)}`);

  const journalText = fs.readFileSync(journalPath, 'utf8');
  const journal =
    journalText === ''
      ? []
      : journalText
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as JournalEntry);
  const ids = new Set(journal.map((e) => e.id));
  assert.equal(ids.size, journal.length, 'every journaled id appears exactly once');
  assert.equal(recordLines.length, ids.size, 'records = distinct ids');
  let offset = 0;
  for (const e of journal) {
    assert.equal(e.offset, offset);
    const record = JSON.parse(data.subarray(e.offset, e.offset + e.length).toString('utf8')) as { messages: { content: string }[] };
    assert.equal(record.messages[0]!.content, `q ${e.id} ✓`, 'the journal points at its own record');
    offset += e.length;
  }
  assert.equal(offset, data.length);
  return journal;
}

describe('dataset under kill -9', function () {
  this.timeout(180_000);
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('leaves only whole lines, each id once, after 12 or more SIGKILLs at random times', async () => {
    const datasetPath = t.file('x.jsonl');
    const policies = ['never', 'batch', 'always'];
    let repairs = 0;
    let regenerated = 0;
    let records = 0;
    let rounds = 0;
    // Twelve kills at random moments, then more while the children have written little: on a
    // busy machine they start slowly and twelve short lives may write under a hundred records,
    // too few for the checks to mean much.
    for (let round = 0; round < 12 || (records <= 100 && round < 48); round++) {
      rounds++;
      await runAndKill(datasetPath, policies[round % 3]!, 20 + Math.floor(Math.random() * 120));
      const w = await openDataset({ datasetPath, fsync: 'never' }); // repairs what the kill left
      const { repair } = w.stats();
      if (repair.droppedDatasetBytes + repair.droppedJournalBytes + repair.droppedFailedBytes > 0) repairs++;
      regenerated += repair.droppedDatasetLines;
      await w.close();
      records = checkDataset(datasetPath, t.file('x.meta.jsonl')).length;
    }
    const journal = checkDataset(datasetPath, t.file('x.meta.jsonl'));

    assert.ok(journal.length > 100, `children made progress (${journal.length} records)`);
    // Regenerated ids were cut before being journaled, so they appear once above.
    console.log(
      `      ${journal.length} records, ${repairs} of ${rounds} reopenings repaired a tail, ${regenerated} unjournaled records regenerated`,
    );
  });
});
