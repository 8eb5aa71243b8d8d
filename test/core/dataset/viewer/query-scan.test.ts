import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetPager } from '../../../../src/core/dataset/viewer/dataset-pager';
import { scanQuery, type ScanProgress } from '../../../../src/core/dataset/viewer/query-scan';
import type { ViewerQuery } from '../../../../src/core/dataset/viewer/viewer-query';
import { syntheticBatchOf, syntheticToneOf, writeSyntheticDataset, type SyntheticDataset } from '../../../support/synthetic-dataset';

const LINES = 12_000;

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
    const duplicates = await scan({ flags: ['duplicate'] });
    assert.deepEqual(duplicates.lines, made.duplicates);
    assert.deepEqual(
      [...duplicates.duplicates].sort((a, b) => a - b),
      made.duplicates,
    );
    const broken = await scan({ broken: true });
    assert.deepEqual(broken.lines, made.broken);
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
