import { open, stat, type FileHandle } from 'node:fs/promises';
import { parseJournalEntry, parseJournalLine } from '../../generate/output/journal';
import { datasetFiles } from '../../generate/output/paths';
import type { JournalEntry } from '../../generate/output/types';
import { JournalMarks } from '../journal-marks';
import { readLines } from '../read-lines';
import { readLinesAt } from './read-at';
import { YIELD_EVERY_LINES, yieldToEventLoop } from './yield';

/** Distinct values kept per variable for the filter lists; the rest are counted, not listed. */
export const MAX_VALUES_PER_VARIABLE = 500;

export interface JournalFacets {
  batches: Record<string, number>;
  variables: Record<string, Record<string, number>>;
}

/** What the one background pass over the journal learns: the filter lists, and the marks. */
export interface JournalPass {
  facets: JournalFacets;
  marks: JournalMarks;
}

interface JournalLine {
  /** Byte where the line starts, and where its newline is (or the end of the file). */
  start: number;
  end: number;
  entry: JournalEntry;
}

const WINDOW = 8 * 1024;

function parse(text: string): JournalEntry | undefined {
  try {
    return parseJournalEntry(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Finds a record's journal entry by binary search on the journal file itself: Forge appends a
 * record and then its journal line, so the journal is sorted by record offset. Nothing is held in
 * memory and nothing has to be read before the first page shows (a 200,000-entry journal takes
 * seconds to parse); a lookup is ~18 small reads. The facets for the filter lists come from one
 * background pass.
 */
export class JournalLookup {
  private pass: Promise<JournalPass> | undefined;

  private constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  /** undefined when the dataset has no journal (not Forge's): the viewer then works from the lines alone. */
  static async open(dataset: string): Promise<JournalLookup | undefined> {
    const { journal } = datasetFiles(dataset);
    const info = await stat(journal).catch(() => undefined);
    return info?.isFile() ? new JournalLookup(journal, info.size) : undefined;
  }

  async entry(recordOffset: number): Promise<JournalEntry | undefined> {
    return (await this.find(recordOffset))?.entry;
  }

  /** The 1-based journal line of the record at this byte offset (counts newlines: on demand only). */
  async lineOf(recordOffset: number): Promise<number | undefined> {
    const found = await this.find(recordOffset);
    if (!found) return undefined;
    let line = 1;
    for await (const l of readLines(this.path)) {
      if (l.offset >= found.start) return line;
      line = l.line + 1;
    }
    return line;
  }

  /**
   * The entries of several records at once (a page's): one binary search for the first, then a
   * forward read, since a page's records sit together in the journal too. Records the forward read
   * does not reach (a filtered page's scattered matches) get a search each.
   */
  async entries(recordOffsets: readonly number[]): Promise<Map<number, JournalEntry>> {
    const found = new Map<number, JournalEntry>();
    if (recordOffsets.length === 0) return found;
    const wanted = new Set(recordOffsets);
    const sorted = [...wanted].sort((a, b) => a - b);
    const max = sorted.at(-1)!;
    const first = await this.search(sorted[0]!, 'atLeast');
    if (first) {
      const budget = recordOffsets.length * 4;
      const lines = await readLinesAt(this.path, { line: 1, offset: first.start }, 1, budget, this.size);
      for (const l of lines) {
        const entry = parse(l.text);
        if (!entry) continue;
        if (entry.offset > max) break;
        if (wanted.has(entry.offset)) found.set(entry.offset, entry);
      }
    }
    for (const offset of sorted) {
      if (found.has(offset)) continue;
      const l = await this.search(offset, 'exact');
      if (l) found.set(offset, l.entry);
    }
    return found;
  }

  private find(target: number): Promise<JournalLine | undefined> {
    return this.search(target, 'exact');
  }

  /** The line for `target` (exact), or the first line at or after it (atLeast). */
  private async search(target: number, mode: 'exact' | 'atLeast'): Promise<JournalLine | undefined> {
    const handle = await open(this.path, 'r');
    const buf = Buffer.allocUnsafe(WINDOW);
    try {
      let lo = 0;
      let hi = this.size;
      let best: JournalLine | undefined;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const l = await firstEntryFrom(handle, buf, mid, this.size);
        if (l && l.entry.offset === target) return l;
        if (!l || l.entry.offset > target) {
          if (l && (!best || l.start < best.start)) best = l;
          hi = mid;
        } else lo = l.end + 1;
      }
      return mode === 'atLeast' ? best : undefined;
    } finally {
      await handle.close();
    }
  }

  /**
   * Batches and variable values with their counts, and the marks (duplicate, dropped, regenerate):
   * one pass over the journal, once. Marks sit anywhere in it (each run's marking appends them after
   * its records), so they are known only when the pass ends.
   */
  read(signal?: AbortSignal): Promise<JournalPass> {
    this.pass ??= (async () => {
      const facets: JournalFacets = { batches: {}, variables: {} };
      const marks = new JournalMarks();
      for await (const l of readLines(this.path)) {
        signal?.throwIfAborted();
        if (l.line % YIELD_EVERY_LINES === 0) await yieldToEventLoop();
        const line = l.text === '' ? undefined : parseLine(l.text);
        if (line?.kind === 'entry') addFacets(facets, line.entry);
        else if (line?.kind === 'mark') marks.add(line.mark);
      }
      return { facets, marks };
    })();
    return this.pass;
  }

  facets(signal?: AbortSignal): Promise<JournalFacets> {
    return this.read(signal).then((p) => p.facets);
  }

  marks(signal?: AbortSignal): Promise<JournalMarks> {
    return this.read(signal).then((p) => p.marks);
  }

  /** Byte offset of record `id` in the dataset (the last entry for it), by one pass over the journal; on demand only. */
  async offsetOf(id: string, signal?: AbortSignal): Promise<number | undefined> {
    let found: number | undefined;
    // A cheap test before parsing: an id is plain ASCII, written as itself.
    const needle = JSON.stringify(id);
    for await (const l of readLines(this.path)) {
      signal?.throwIfAborted();
      if (l.line % YIELD_EVERY_LINES === 0) await yieldToEventLoop();
      if (l.offset >= this.size) break;
      if (!l.text.includes(needle)) continue;
      const entry = parse(l.text);
      if (entry?.id === id) found = entry.offset;
    }
    return found;
  }
}

function parseLine(text: string): ReturnType<typeof parseJournalLine> {
  try {
    return parseJournalLine(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The first whole, parseable journal line that starts at or after `pos`. */
async function firstEntryFrom(handle: FileHandle, buf: Buffer, pos: number, size: number): Promise<JournalLine | undefined> {
  // A line starts at 0 or right after a newline: read from pos - 1 and skip to the first newline.
  let at = pos > 0 ? pos - 1 : 0;
  let skip = pos > 0;
  while (at < size) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - at), at);
    if (bytesRead === 0) return undefined;
    const chunk = buf.subarray(0, bytesRead);
    let from = 0;
    if (skip) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        at += bytesRead;
        continue;
      }
      skip = false;
      from = nl + 1;
    }
    // Whole lines inside this window are parsed from it; a line crossing its end is read whole.
    for (;;) {
      const start = at + from;
      if (start >= size) return undefined;
      const nl = chunk.indexOf(10, from);
      if (nl < 0) {
        return readWholeLine(handle, start, size);
      }
      const entry = parse(chunk.toString('utf8', from, nl));
      if (entry) return { start, end: at + nl, entry };
      from = nl + 1;
      if (from >= chunk.length) break;
    }
    at += bytesRead;
  }
  return undefined;
}

/** The first entry from a line start on, reading each line whole however long it is (the slow path). */
async function readWholeLine(handle: FileHandle, start: number, size: number): Promise<JournalLine | undefined> {
  while (start < size) {
    const nl = await nextNewline(handle, start, size);
    const end = nl < 0 ? size : nl;
    const line = Buffer.alloc(end - start);
    await handle.read(line, 0, line.length, start);
    const entry = parse(line.toString('utf8'));
    if (entry) return { start, end, entry };
    start = end + 1;
  }
  return undefined;
}

async function nextNewline(handle: FileHandle, from: number, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(WINDOW);
  for (let pos = from; pos < size; pos += WINDOW) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(WINDOW, size - pos), pos);
    if (bytesRead === 0) break;
    const i = buf.subarray(0, bytesRead).indexOf(10);
    if (i >= 0) return pos + i;
  }
  return -1;
}

function addFacets(facets: JournalFacets, entry: JournalEntry): void {
  const batch = entry.batch ?? '(unnamed)';
  facets.batches[batch] = (facets.batches[batch] ?? 0) + 1;
  for (const [name, value] of Object.entries(entry.variables)) {
    const values = (facets.variables[name] ??= {});
    if (value in values || Object.keys(values).length < MAX_VALUES_PER_VARIABLE) values[value] = (values[value] ?? 0) + 1;
  }
}
