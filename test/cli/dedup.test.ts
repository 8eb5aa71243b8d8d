import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDataset } from '../../src/core/generate/output/dataset-writer';
import { datasetFiles } from '../../src/core/generate/output/paths';
import type { JournalEntry } from '../../src/core/generate/output/types';
import { cli, readJsonl, SMALL_FILE, tempWorkspace } from './support';

type Line = JournalEntry & { mark?: string; round?: number };

/**
 * Rewrites a dataset the CLI made so that records `copies` hold the text of record 0 (their journal
 * records unchanged): planted duplicates, written through the real writer so the journal matches.
 */
async function plantCopies(dataset: string, copies: readonly number[]): Promise<void> {
  const { journal } = datasetFiles(dataset);
  const records = readJsonl(dataset);
  const metas = readJsonl(journal) as JournalEntry[];
  fs.rmSync(dataset);
  fs.rmSync(journal);
  const writer = await openDataset({ datasetPath: dataset, fsync: 'never' });
  for (const [i, meta] of metas.entries()) await writer.append((copies.includes(i) ? records[0] : records[i]) as object, meta);
  await writer.close();
}

describe('convforge dedup (in-process, against the built-in simulator)', function () {
  this.timeout(90_000);
  let ws: string;
  let dataset: string;
  let journal: string;

  beforeEach(async () => {
    ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 8) });
    const r = await cli(['generate', '.', '--simulate', '--limit', '6'], ws);
    assert.equal(r.code, 0, r.stderr);
    dataset = path.join(ws, 'out/alpha.simulated.jsonl');
    journal = datasetFiles(dataset).journal;
    await plantCopies(dataset, [3, 5]);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a run marks the duplicates across its datasets in the journal when it ends; report and export count the marks', async () => {
    const r = await cli(['generate', '.', '--simulate', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { generated: number; duplicates: { found: number; marked: number } };
    assert.equal(summary.generated, 2);
    // The planted two at least (each simulator starts from the same seed, so a new run can repeat an old text).
    const planted = (readJsonl(journal) as Line[]).filter((l, i) => !l.mark && (i === 3 || i === 5)).map((l) => l.id);
    assert.ok(summary.duplicates.found >= 2);
    assert.equal(summary.duplicates.marked, summary.duplicates.found);
    const marks = (readJsonl(journal) as Line[]).filter((l) => l.mark === 'duplicate');
    assert.equal(marks.length, summary.duplicates.found);
    for (const id of planted)
      assert.ok(
        marks.some((m) => m.id === id),
        `${id} is marked`,
      );
    const report = await cli(['report', dataset, '--json'], ws);
    assert.equal((JSON.parse(report.stdout) as { duplicates: { marked: number } }).duplicates.marked, marks.length);
    const exported = await cli(['export', dataset, '--out', 'export', '--json'], ws);
    const e = JSON.parse(exported.stdout) as { train: number; skipped: { duplicates: number } };
    assert.equal(e.skipped.duplicates, marks.length);
    assert.equal(e.train, 8 - marks.length);
  });

  it('--drop removes them safely; a later run does not make them again', async () => {
    const before = readJsonl(dataset);
    const r = await cli(['dedup', dataset, '--drop'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 duplicate\(s\) at Jaccard ≥ 0\.8 \(2 exact\); 2 newly marked/);
    assert.match(r.stdout, /Dropped 2 from out\/alpha\.simulated\.jsonl \(4 kept; journal offsets rebuilt\)/);
    assert.deepEqual(readJsonl(dataset), [before[0], before[1], before[2], before[4]]);
    const again = await cli(['generate', '.', '--simulate', '--json'], ws);
    assert.equal(again.code, 0, again.stderr);
    const s = JSON.parse(again.stdout) as { generated: number; skipped: number };
    assert.equal(s.generated, 2, 'only the two never generated (indexes 6 and 7)');
    assert.equal(s.skipped, 6);
    assert.equal(readJsonl(dataset).length, 6);
  });

  it('--regenerate makes them again with a recorded regeneration round: a request never sent before', async () => {
    const dupIds = (readJsonl(journal) as Line[]).filter((_, i) => i === 3 || i === 5).map((l) => l.id);
    const r = await cli(['dedup', dataset, '--regenerate', '--simulate', '--limit', '6'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Regenerating 2 conversation\(s\) from a\.forge\.yaml/);
    assert.match(r.stdout, /generated 2, skipped 4/);
    const lines = readJsonl(journal) as Line[];
    const rounds = lines.filter((l) => l.mark === 'regenerate');
    assert.deepEqual(rounds.map((m) => [m.id, m.round]).sort(), dupIds.map((id) => [id, 1]).sort());
    const remade = lines.filter((l) => !l.mark && dupIds.includes(l.id));
    assert.equal(remade.length, 2);
    for (const m of remade) assert.match(m.variation!, /Regeneration 1: /);
    assert.equal(readJsonl(dataset).length, 6);
    // Nothing is left to do: a later run neither repeats nor re-sends them.
    const again = await cli(['generate', '.', '--simulate', '--limit', '6', '--json'], ws);
    assert.equal((JSON.parse(again.stdout) as { requests: number }).requests, 0);
  });

  it('bad input: --drop with --regenerate, a dataset that is not there', async () => {
    const both = await cli(['dedup', dataset, '--drop', '--regenerate'], ws);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--drop and --regenerate contradict each other/);
    const missing = await cli(['dedup', 'nope.jsonl'], ws);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.jsonl: no such file or folder/);
  });
});
