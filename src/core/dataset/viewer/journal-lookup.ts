import { existsSync, statSync } from 'node:fs';
import { parseJournalEntry } from '../../generate/output/journal';
import { datasetFiles } from '../../generate/output/paths';
import type { JournalEntry } from '../../generate/output/types';
import { readLines } from '../read-lines';
import { readLinesAt } from './read-at';

/** Distinct values kept per variable for the filter lists; the rest are counted, not listed. */
export const MAX_VALUES_PER_VARIABLE = 500;

export interface JournalFacets {
  batches: Record<string, number>;
  variables: Record<string, Record<string, number>>;
}

/**
 * Where each record's journal line is, by the record's byte offset: two numbers per record, never
 * the entries themselves (200,000 entries would be ~100 MB of objects). An entry is read from the
 * journal when a page shows it.
 */
export class JournalLookup {
  private constructor(
    readonly path: string,
    private readonly recordOffsets: Float64Array,
    private readonly lineOffsets: Float64Array,
    private readonly lineNumbers: Uint32Array,
    readonly facets: JournalFacets,
  ) {}

  get size(): number {
    return this.recordOffsets.length;
  }

  /** undefined when the dataset has no journal (not Forge's): the viewer then works from the lines alone. */
  static async open(dataset: string, signal?: AbortSignal): Promise<JournalLookup | undefined> {
    const { journal } = datasetFiles(dataset);
    if (!existsSync(journal) || !statSync(journal).isFile()) return undefined;
    const rows: [number, number, number][] = [];
    const facets: JournalFacets = { batches: {}, variables: {} };
    for await (const l of readLines(journal)) {
      signal?.throwIfAborted();
      if (l.text === '') continue;
      let entry: JournalEntry | undefined;
      try {
        entry = parseJournalEntry(JSON.parse(l.text));
      } catch {
        entry = undefined;
      }
      // A torn or foreign journal line names no record: the record then shows without journal data.
      if (!entry) continue;
      rows.push([entry.offset, l.offset, l.line]);
      addFacets(facets, entry);
    }
    rows.sort((a, b) => a[0] - b[0]);
    return new JournalLookup(
      journal,
      Float64Array.from(rows, (r) => r[0]),
      Float64Array.from(rows, (r) => r[1]),
      Uint32Array.from(rows, (r) => r[2]),
      facets,
    );
  }

  /** The journal line (1-based) of the record at this byte offset. */
  lineOf(recordOffset: number): number | undefined {
    const i = this.find(recordOffset);
    return i === undefined ? undefined : this.lineNumbers[i];
  }

  async entry(recordOffset: number): Promise<JournalEntry | undefined> {
    const i = this.find(recordOffset);
    if (i === undefined) return undefined;
    const at = { line: this.lineNumbers[i]!, offset: this.lineOffsets[i]! };
    const [l] = await readLinesAt(this.path, at, at.line, 1, Number.MAX_SAFE_INTEGER);
    if (!l) return undefined;
    try {
      return parseJournalEntry(JSON.parse(l.text));
    } catch {
      return undefined;
    }
  }

  private find(recordOffset: number): number | undefined {
    let lo = 0;
    let hi = this.recordOffsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.recordOffsets[mid]!;
      if (v === recordOffset) return mid;
      if (v < recordOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

function addFacets(facets: JournalFacets, entry: JournalEntry): void {
  const batch = entry.batch ?? '(unnamed)';
  facets.batches[batch] = (facets.batches[batch] ?? 0) + 1;
  for (const [name, value] of Object.entries(entry.variables)) {
    const values = (facets.variables[name] ??= {});
    if (value in values || Object.keys(values).length < MAX_VALUES_PER_VARIABLE) values[value] = (values[value] ?? 0) + 1;
  }
}
