import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../../../src/core/dataset/dataset-report';
import { DatasetPager } from '../../../../src/core/dataset/viewer/dataset-pager';
import { JournalLookup } from '../../../../src/core/dataset/viewer/journal-lookup';
import { scanQuery, type ScanProgress } from '../../../../src/core/dataset/viewer/query-scan';
import type { ViewerQuery } from '../../../../src/core/dataset/viewer/viewer-query';
import { syntheticBatchOf, syntheticToneOf, writeSyntheticDataset, type SyntheticDataset } from '../../../support/synthetic-dataset';

const LINES = 12_000;

/** Byte offset where a line starts, counted the slow, obvious way. */
function offsetOfLine(file: string, line: number): number {
  const bytes = readFileSync(file);
  let at = 0;
  for (let l = 1; l < line; l++) at = bytes.indexOf(10, at) + 1;
  return at;
}

describe('dataset viewer: search and filters (streamed scan)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let made: SyntheticDataset;
  const scan = (query: ViewerQuery, onProgress?: (p: ScanProgress) => void, signal?: AbortSignal) =>
    scanQuery(file, query, {
      totalBytes: made.bytes,
      journal: file.replace(/\.jsonl$/, '.meta.jsonl'),
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    });
  const all = (pred: (line: number) => boolean) => Array.from({ length: LINES }, (_, i) => i + 1).filter(pred);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'forge-scan-'));
    file = join(dir, 'big.jsonl');
    made = await writeSyntheticDataset(file, { lines: LINES, journal: true, brokenEvery: 1009, refusalEvery: 97, duplicateEvery: 501 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds text in any message, case-insensitively, and nothing else', async () => {
    const found = await scan({ text: 'CONVERSATION 4321:' });
    assert.deepEqual(found.lines, [4321]);
    const none = await scan({ text: 'no such words anywhere' });
    assert.deepEqual(none.lines, []);
  });

  it('filters by batch and variables from the journal', async () => {
    const found = await scan({ batch: 'sales', variables: { tone: 'angry' } });
    const broken = new Set(made.broken);
    // A duplicate line copies the line before it, but its journal entry is its own.
    assert.deepEqual(
      found.lines,
      all((l) => !broken.has(l) && syntheticBatchOf(l) === 'sales' && syntheticToneOf(l) === 'angry'),
    );
    assert.ok(found.lines.length > 0);
  });

  it('filters by length in turns', async () => {
    const found = await scan({ minTurns: 6 });
    const broken = new Set(made.broken);
    const dupes = new Set(made.duplicates);
    // Turns are 2 + 2 * (line % 3); a duplicate has the turns of the line it copies.
    const turnsOf = (l: number) => 2 + 2 * ((dupes.has(l) ? l - 1 : l) % 3);
    assert.deepEqual(
      found.lines,
      all((l) => !broken.has(l) && turnsOf(l) >= 6),
    );
  });

  it('flags refusals (the quality patterns), duplicates and broken lines', async () => {
    const refusals = await scan({ flags: ['refusal'] });
    const dupes = new Set(made.duplicates);
    const expectedRefusals = made.refusals.flatMap((l) => (dupes.has(l + 1) ? [l, l + 1] : [l]));
    assert.deepEqual(refusals.lines, expectedRefusals);
    // Nothing marked this journal's duplicates: a Forge dataset's duplicates are its marks.
    assert.deepEqual((await scan({ flags: ['duplicate'] })).lines, []);
    const broken = await scan({ broken: true });
    assert.deepEqual(broken.lines, made.broken);
  });

  it('without a journal, searches for the duplicates itself and names the line each copies', async () => {
    const found = await scanQuery(file, { flags: ['duplicate'] }, { totalBytes: made.bytes });
    assert.deepEqual(found.lines, made.duplicates);
    assert.deepEqual(
      [...found.found].map(([line, ref]) => [line, ref.line, ref.marked]),
      made.duplicates.map((l) => [l, l - 1, false]),
    );
  });

  it('with a journal, the duplicate and regenerated flags are its marks, the ones report counts', async () => {
    const small = join(dir, 'marked.jsonl');
    const made2 = await writeSyntheticDataset(small, { lines: 2_000, journal: true, duplicateEvery: 501 });
    const time = '2026-01-02T00:00:00.000Z';
    const marks = [
      ...made2.duplicates.map((l) => ({ mark: 'duplicate', id: `c${l}`, of: `c${l - 1}`, similarity: 1, threshold: 0.8, time })),
      // Not similar at all: only a reader of the marks flags it.
      { mark: 'duplicate', id: 'c7', of: 'c3', similarity: 0.83, threshold: 0.8, time },
      { mark: 'regenerate', id: 'c11', index: 10, promptHash: 'h', round: 2, reason: 'duplicate of c5', time },
      { mark: 'dropped', id: 'c5000', index: 4999, promptHash: 'h', reason: 'duplicate of c4', time },
    ];
    appendFileSync(small.replace(/\.jsonl$/, '.meta.jsonl'), marks.map((m) => `${JSON.stringify(m)}\n`).join(''));
    const journal = (await JournalLookup.open(small))!;
    const read = await journal.marks();
    assert.deepEqual(read.counts(), { duplicates: made2.duplicates.length + 1, dropped: 1, regenerate: 1 });
    const opts = { totalBytes: made2.bytes, journal: journal.path, marks: read };
    const dups = await scanQuery(small, { flags: ['duplicate'] }, opts);
    assert.deepEqual(dups.lines, [7, ...made2.duplicates]);
    assert.equal(dups.found.size, 0, 'nothing searched for: the marks decide');
    const regenerated = await scanQuery(small, { flags: ['regenerated'] }, opts);
    assert.deepEqual(regenerated.lines, [11]);
    const report = await buildReport([small]);
    assert.equal(report.duplicates.marked, dups.lines.length, 'the viewer and the report count the same marks');
    const pager = await DatasetPager.open(small);
    try {
      pager.marks = read;
      const page = await pager.matchPage(dups, 0, 2);
      const first = page.items[0]!;
      assert.ok(first.kind === 'conversation');
      assert.deepEqual(first.flags.includes('duplicate'), true);
      assert.deepEqual(first.duplicateOf, { id: 'c3', similarity: 0.83, marked: true });
      const line11 = (await pager.page(11, 1)).items[0]!;
      assert.ok(line11.kind === 'conversation' && line11.regenerated === 2 && line11.flags.includes('regenerated'));
      // The link to the original: its journaled offset gives its line.
      const offset = await journal.offsetOf('c3');
      assert.ok(offset !== undefined);
      assert.equal(await pager.lineAt(offset), 3);
      assert.equal(await journal.offsetOf('c999999'), undefined);
      await pager.indexed;
      for (const line of [1, 256, 257, 1500, 2000])
        assert.equal(await pager.lineAt((await journal.entry(offsetOfLine(small, line)))!.offset), line);
    } finally {
      pager.dispose();
    }
  });

  it('reports progress up to the whole file, and stops when cancelled', async () => {
    const seen: ScanProgress[] = [];
    await scan({ text: 'x' }, (p) => seen.push(p));
    assert.ok(seen.length >= 2, 'progress more than once');
    assert.equal(seen.at(-1)!.bytes, made.bytes);
    const abort = new AbortController();
    const cancelled = scan({ text: 'x' }, (p) => p.bytes > 1 << 20 && abort.abort(), abort.signal);
    await assert.rejects(cancelled, { name: 'AbortError' });
  });

  it('pages through the matches', async () => {
    const found = await scan({ batch: 'billing' });
    const pager = await DatasetPager.open(file);
    try {
      const page = await pager.matchPage(found, 100, 20);
      assert.deepEqual(
        page.items.map((i) => i.line),
        found.lines.slice(100, 120),
      );
      assert.ok(page.items.every((i) => i.kind === 'conversation' && i.batch === 'billing'));
    } finally {
      pager.dispose();
    }
  });
});
