import { stat } from 'node:fs/promises';
import { JournalLookup } from './journal-lookup';
import { LineIndex, type IndexProgress } from './line-index';
import type { JournalMarks } from '../journal-marks';
import { marksOf, type MatchList } from './query-scan';
import { lineNumberAt, readLinesAt, type RawLine } from './read-at';
import { toViewerItem, type DuplicateRef, type ViewerItem } from './viewer-item';

export interface Page {
  /** 1-based line of the first line (unfiltered) or 0-based match index (filtered) the page starts at. */
  start: number;
  items: ViewerItem[];
}

export interface PagerOptions {
  onIndexProgress?: (p: IndexProgress) => void;
}

/**
 * A dataset opened for viewing: its size when opened (later appends are not part of this view),
 * a line index building in the background and the journal lookup. Nothing holds the file's
 * contents; every page reads only its own lines.
 */
export class DatasetPager {
  private readonly abort = new AbortController();
  readonly index = new LineIndex();
  /** Settles when the index is complete (or rejects when the pager is disposed first). */
  readonly indexed: Promise<LineIndex>;
  /** The journal's marks once its background pass has read them; pages before that show no marks. */
  marks: JournalMarks | undefined;

  private constructor(
    readonly file: string,
    readonly size: number,
    readonly journal: JournalLookup | undefined,
    options: PagerOptions,
  ) {
    this.indexed = this.index.build(file, {
      totalBytes: size,
      signal: this.abort.signal,
      ...(options.onIndexProgress ? { onProgress: options.onIndexProgress } : {}),
    });
    // Observed here so a disposal mid-build is never an unhandled rejection.
    this.indexed.catch(() => undefined);
  }

  static async open(file: string, options: PagerOptions = {}): Promise<DatasetPager> {
    const info = await stat(file);
    if (!info.isFile()) throw new Error(`${file}: not a file`);
    const journal = await JournalLookup.open(file);
    return new DatasetPager(file, info.size, journal, options);
  }

  /** `count` lines from line `start` (1-based); blank lines show as nothing, broken lines as a report. */
  async page(start: number, count: number): Promise<Page> {
    const from = this.index.checkpointFor(start);
    const raw = await readLinesAt(this.file, from, start, count, this.size);
    return { start, items: await this.items(raw) };
  }

  /** Matches `start` .. `start + count - 1` of a query's match list. */
  async matchPage(list: MatchList, start: number, count: number): Promise<Page> {
    const raw: RawLine[] = [];
    const end = Math.min(list.lines.length, start + count);
    for (let i = start; i < end; i++) {
      const at = { line: list.lines[i]!, offset: list.offsets[i]! };
      raw.push(...(await readLinesAt(this.file, at, at.line, 1, this.size)));
    }
    return { start, items: await this.items(raw, list.found) };
  }

  /** The 1-based line that starts at byte `offset` (a record's journaled offset). */
  lineAt(offset: number): Promise<number> {
    return lineNumberAt(this.file, this.index.checkpointAtOffset(offset), offset);
  }

  private async items(raw: RawLine[], found?: Map<number, DuplicateRef>): Promise<ViewerItem[]> {
    const items: ViewerItem[] = [];
    const entries = this.journal ? await this.journal.entries(raw.map((r) => r.offset)) : undefined;
    for (const r of raw) {
      const meta = entries?.get(r.offset);
      const byScan = found?.get(r.line);
      const item = toViewerItem(r, meta, byScan ? { duplicateOf: byScan } : marksOf(this.marks, meta?.id));
      if (item) items.push(item);
    }
    return items;
  }

  dispose(): void {
    this.abort.abort();
  }
}
