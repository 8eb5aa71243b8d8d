import { open, stat, type FileHandle } from 'node:fs/promises';
import { parseJournalEntry } from '../../generate/output/journal';
import { datasetFiles } from '../../generate/output/paths';
import type { JournalEntry } from '../../generate/output/types';
import { readLines } from '../read-lines';

/** Distinct values kept per variable for the filter lists; the rest are counted, not listed. */
export const MAX_VALUES_PER_VARIABLE = 500;

export interface JournalFacets {
  batches: Record<string, number>;
  variables: Record<string, Record<string, number>>;
}

interface JournalLine {
  /** Byte where the line starts, and where its newline is (or the end of the file). */
  start: number;
  end: number;
  entry: JournalEntry;
}

const WINDOW = 16 * 1024;

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
  private facetsPass: Promise<JournalFacets> | undefined;

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

  private async find(target: number): Promise<JournalLine | undefined> {
    const handle = await open(this.path, 'r');
    try {
      let lo = 0;
      let hi = this.size;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const l = await firstEntryFrom(handle, mid, this.size);
        if (!l || l.entry.offset > target) hi = mid;
        else if (l.entry.offset < target) lo = l.end + 1;
        else return l;
      }
      return undefined;
    } finally {
      await handle.close();
    }
  }

  /** Batches and variable values with their counts: one pass over the journal, once. */
  facets(signal?: AbortSignal): Promise<JournalFacets> {
    this.facetsPass ??= (async () => {
      const facets: JournalFacets = { batches: {}, variables: {} };
      for await (const l of readLines(this.path)) {
        signal?.throwIfAborted();
        const entry = l.text === '' ? undefined : parse(l.text);
        if (entry) addFacets(facets, entry);
      }
      return facets;
    })();
    return this.facetsPass;
  }
}

/** The first whole, parseable journal line that starts at or after `pos`. */
async function firstEntryFrom(handle: FileHandle, pos: number, size: number): Promise<JournalLine | undefined> {
  // A line starts at 0 or right after a newline: from pos - 1, skip to the first newline.
  let start = pos;
  if (pos > 0) {
    const nl = await nextNewline(handle, pos - 1, size);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  while (start < size) {
    const nl = await nextNewline(handle, start, size);
    const end = nl < 0 ? size : nl;
    const buf = Buffer.alloc(end - start);
    await handle.read(buf, 0, buf.length, start);
    const entry = parse(buf.toString('utf8'));
    if (entry) return { start, end, entry };
    start = end + 1;
  }
  return undefined;
}

async function nextNewline(handle: FileHandle, from: number, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(WINDOW);
  for (let pos = from; pos < size; pos += WINDOW) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(WINDOW, size - pos), pos);
    const i = buf.subarray(0, bytesRead).indexOf(10);
    if (i >= 0) return pos + i;
    if (bytesRead === 0) break;
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
