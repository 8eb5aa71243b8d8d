import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetPager } from '../../src/core/dataset/viewer/dataset-pager';
import { scanQuery } from '../../src/core/dataset/viewer/query-scan';
import { VIEWER_PAGE_SIZE } from '../../src/protocol/viewer-messages';
import { seeded } from '../../test/support/planted-duplicates';
import { writeSyntheticDataset } from '../../test/support/synthetic-dataset';
import { fmt, formatTable } from '../table';

export interface ViewerBenchResult {
  lines: number;
  megabytes: number;
  /** Open (stat) plus the first page while the background passes start: what a user waits for. */
  openMs: number;
  /** Counting every line in the background (the pager works before it ends). */
  indexMs: number;
  pageMedianMs: number;
  pageP95Ms: number;
  /** A page at 90 % of the file just after opening, sought by estimated offset (pageNear, what the viewer does): median. */
  pageWhileIndexingMs: number;
  /** The same page walked to from the last line counted (page, the viewer before): median, measured in the same run. */
  pageWhileIndexingWalkMs: number;
  searchMs: number;
  /** The naive way, side by side: read the whole file, split it, take the same page. */
  naiveMs: number;
  /** Heap growth while the pager is open and indexed (the file is not in it). */
  heapMb: number;
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * The viewer's engine on a generated 200,000-line dataset with its journal: open + first page,
 * index, random pages, a streamed text search, and the naive whole-file read beside them.
 * Targets (issue 18): open < 2 s, a page < 100 ms.
 */
export async function runViewer(log: (line: string) => void, lines = 200_000): Promise<ViewerBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'convforge-viewer-bench-'));
  try {
    const file = path.join(dir, 'big.jsonl');
    const made = await writeSyntheticDataset(file, { lines, journal: true, brokenEvery: 10_000, refusalEvery: 100, words: 60 });
    const megabytes = made.bytes / 1e6;
    log(`dataset: ${fmt(lines)} lines, ${fmt(megabytes, 1)} MB (+ journal)`);

    // As the viewer opens a file: open, start the journal's facets pass, show the first page
    // (while the line count and the facets pass run), then a page far down the file at once.
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let t = process.hrtime.bigint();
    const pager = await DatasetPager.open(file);
    const facets = pager.journal?.facets();
    await pager.page(1, VIEWER_PAGE_SIZE);
    const openMs = ms(t);
    const whileIndexing = process.hrtime.bigint();
    await pager.pageNear(Math.floor(lines * 0.9), VIEWER_PAGE_SIZE);
    const firstSoughtMs = ms(whileIndexing);
    await pager.indexed;
    const indexMs = ms(t);
    await facets;
    gc();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

    // A page deep in the file while the lines are still being counted, both ways, alternating, each
    // on a pager opened just before (its count just started; the file is in the page cache for both).
    const deep = Math.floor(lines * 0.9);
    const walked: number[] = [];
    const sought: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const way of ['walk', 'seek'] as const) {
        const p = await DatasetPager.open(file);
        const t0 = process.hrtime.bigint();
        if (way === 'walk') await p.page(deep, VIEWER_PAGE_SIZE);
        else await p.pageNear(deep, VIEWER_PAGE_SIZE);
        (way === 'walk' ? walked : sought).push(ms(t0));
        p.dispose();
        await p.indexed.catch(() => undefined);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const pageWhileIndexingWalkMs = median(walked);
    const pageWhileIndexingMs = median(sought);

    const random = seeded(5);
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const start = 1 + Math.floor(random() * (lines - VIEWER_PAGE_SIZE));
      t = process.hrtime.bigint();
      await pager.page(start, VIEWER_PAGE_SIZE);
      times.push(ms(t));
    }
    times.sort((a, b) => a - b);
    const pageMedianMs = times[Math.floor(times.length / 2)]!;
    const pageP95Ms = times[Math.floor(times.length * 0.95)]!;

    t = process.hrtime.bigint();
    const found = await scanQuery(file, { text: `conversation ${Math.floor(lines / 2) + 1}:` }, { totalBytes: pager.size });
    const searchMs = ms(t);
    if (found.lines.length !== 1) throw new Error(`search found ${found.lines.length} lines, expected 1`);
    pager.dispose();

    t = process.hrtime.bigint();
    const all = (await readFile(file, 'utf8')).split('\n');
    all.slice(lines / 2, lines / 2 + VIEWER_PAGE_SIZE).map((l) => JSON.parse(l) as unknown);
    const naiveMs = ms(t);

    const r: ViewerBenchResult = {
      lines,
      megabytes,
      openMs,
      indexMs,
      pageMedianMs,
      pageP95Ms,
      pageWhileIndexingMs,
      pageWhileIndexingWalkMs,
      searchMs,
      naiveMs,
      heapMb,
    };
    log(
      formatTable(
        ['measure', 'ms', 'target'],
        [
          ['open + first page (count and facets running)', fmt(openMs, 1), '< 2000'],
          [`then a page at 90% of the file, still counting (first, sought)`, fmt(firstSoughtMs, 1), '< 100'],
          ['page at 90% while counting, sought by estimate (median of 5)', fmt(pageWhileIndexingMs, 1), '< 100'],
          ['page at 90% while counting, walked to (before; median of 5)', fmt(pageWhileIndexingWalkMs, 1), ''],
          ['page, median of 60 random', fmt(pageMedianMs, 1), '< 100'],
          ['page, p95 of 60 random', fmt(pageP95Ms, 1), '< 100'],
          ['count every line (background)', fmt(indexMs, 0), ''],
          [`text search (${fmt(megabytes / (searchMs / 1000), 0)} MB/s)`, fmt(searchMs, 0), ''],
          ['naive: read whole file + split + page', fmt(naiveMs, 0), ''],
        ],
      ),
    );
    log(`page at 90% while counting: walked / sought ${fmt(pageWhileIndexingWalkMs / pageWhileIndexingMs, 0)}x (side by side, this run)`);
    log(`naive whole-file read / paged open: ${fmt(naiveMs / openMs, 1)}x; / one page: ${fmt(naiveMs / pageMedianMs, 0)}x`);
    log(`heap held by the open, indexed pager: ${heapMb < 1 ? 'under 1' : fmt(heapMb, 1)} MB (file: ${fmt(megabytes, 0)} MB)`);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
