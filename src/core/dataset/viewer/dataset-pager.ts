import { stat } from 'node:fs/promises';
import { JournalLookup } from './journal-lookup';
import { LineIndex, type IndexProgress } from './line-index';
import type { JournalMarks } from '../journal-marks';
import { marksOf, type MatchList } from './query-scan';
import { lineNumberAt, lineStartFrom, readLinesAt, sampleMeanLineBytes, type RawLine } from './read-at';
import { toViewerItem, type DuplicateRef, type ViewerItem } from './viewer-item';

export interface Page {
  /** 1-based line of the first line (unfiltered) or 0-based match index (filtered) the page starts at. */
  start: number;
  items: ViewerItem[];
  /**
   * The page was found by an estimated byte offset while the lines were still being counted: its
   * lines are the ones near `start`, numbered from it, not counted. Where it starts in the file
   * (`offset`) gives the exact numbers once the count is done (lineAt).
   */
  approximate?: { offset: number };
}

/** A page this far (in estimated bytes) past the lines counted so far is sought, not walked to. */
export const SEEK_BEYOND_BYTES = 4 << 20;

/** Lines counted before their mean length is trusted over a sample of the file's start. */
const SAMPLE_LINES = 256;

export interface PagerOptions {
  onIndexProgress?: (p: IndexProgress) => void;
  /** An index counted elsewhere, used as it stands (tests: one stopped partway); none is built then. */
  index?: LineIndex;
  /** With `index`: when the count is to be taken as done (default: when `index` is complete, else never). */
  indexed?: Promise<LineIndex>;
}

/**
 * A dataset opened for viewing: its size when opened (later appends are not part of this view),
 * a line index building in the background and the journal lookup. Nothing holds the file's
 * contents; every page reads only its own lines.
 */
export class DatasetPager {
  private readonly abort = new AbortController();
  readonly index: LineIndex;
  /** Settles when the index is complete (or rejects when the pager is disposed first). */
  readonly indexed: Promise<LineIndex>;
  private sampledMean: Promise<number> | undefined;
  /** The journal's marks once its background pass has read them; pages before that show no marks. */
  marks: JournalMarks | undefined;

  private constructor(
    readonly file: string,
    readonly size: number,
    readonly journal: JournalLookup | undefined,
    options: PagerOptions,
  ) {
    this.index = options.index ?? new LineIndex();
    this.indexed = options.index
      ? (options.indexed ?? (options.index.complete ? Promise.resolve(options.index) : new Promise<LineIndex>(() => undefined)))
      : this.index.build(file, {
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

  /**
   * As `page`, except that while the lines are still being counted a page far beyond them is not
   * walked to (that reads every byte in between: up to seconds at the end of a large file) but
   * sought: the byte offset is estimated from the mean line length so far, and the page starts at
   * the next line from there. Such a page is `approximate`.
   */
  async pageNear(start: number, count: number): Promise<Page> {
    const { index } = this;
    if (index.complete || start <= index.lines) return this.page(start, count);
    const mean = await this.meanLineBytes();
    const ahead = (start - index.lines - 1) * mean;
    if (mean === 0 || ahead < SEEK_BEYOND_BYTES) return this.page(start, count);
    // Leave room for the page before the end: a line number past the last still shows the last lines.
    const guess = Math.min(index.bytes + ahead, Math.max(index.bytes, this.size - count * mean));
    const offset = await lineStartFrom(this.file, Math.floor(guess), this.size);
    const raw = await readLinesAt(this.file, { line: start, offset }, start, count, this.size);
    return { start, items: await this.items(raw), approximate: { offset } };
  }

  /** Bytes per line: from the count so far, or (just after opening, before it has counted much) from the file's first 256 KB. */
  private async meanLineBytes(): Promise<number> {
    const { index } = this;
    if (index.lines >= SAMPLE_LINES) return index.bytes / index.lines;
    this.sampledMean ??= sampleMeanLineBytes(this.file, this.size);
    return this.sampledMean;
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
