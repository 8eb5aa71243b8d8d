import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { ForgeError } from '../errors';
import type { JournalEntry } from '../generate/output/types';
import { conversationText, parseConversationRecord } from './conversation-record';
import { dedupIndexPath, loadDedupIndex, recordKey, saveDedupIndex, type DedupIndex } from './dedup-index';
import { markDuplicates, type DuplicateSearch, type FoundDuplicate } from './duplicate-marks';
import { DEFAULT_DUPLICATE_THRESHOLD, NearDuplicateFinder, type FinderEntry } from './near-duplicates';
import { readJournal } from './scan-datasets';
import { shingleSet } from './shingles';

export interface NewDuplicatesOutcome {
  search: DuplicateSearch;
  marked: number;
  /** Conversations read and compared in this pass (new since the index, or all of a dataset without one). */
  compared: number;
  /** Conversations known from the index: compared with, never read unless a candidate. */
  known: number;
}

interface RecordRef {
  dataset: string;
  entry: JournalEntry;
  /** Position among the dataset's records, from 1 (its line when the dataset holds only Forge's records). */
  line: number;
}

/**
 * The marking after a run, incremental: each dataset's index (dedup-index.ts) stands for the
 * records it knows, and only the records it does not know (the run's new ones, or all of a dataset
 * without a usable index) are read and compared with everything before them. Existing records come
 * first, so a new conversation is the duplicate of an older one, never the other way round. Marks
 * are appended, then the indexes saved: a crash between leaves records unknown, so they are
 * compared again next time, never skipped. Only journaled records take part (others cannot be marked).
 */
export async function markNewDuplicates(
  datasets: readonly string[],
  threshold = DEFAULT_DUPLICATE_THRESHOLD,
  signal?: AbortSignal,
): Promise<NewDuplicatesOutcome> {
  const finder = new NearDuplicateFinder(threshold);
  const expect = { threshold, bands: finder.banding.bands };
  const known: { record: RecordRef; entry: FinderEntry }[] = [];
  const fresh: RecordRef[] = [];
  const indexes = new Map<string, DedupIndex>();
  for (const dataset of datasets) {
    const { byOffset } = await readJournal(dataset);
    const index = loadDedupIndex(dataset, expect);
    const records = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
    const next: DedupIndex = { threshold, bands: expect.bands, entries: new Map() };
    indexes.set(dataset, next);
    for (const [i, entry] of records.entries()) {
      const record = { dataset, entry, line: i + 1 };
      const had = index?.entries.get(recordKey(entry.id, entry.length));
      if (had) {
        known.push({ record, entry: had });
        next.entries.set(recordKey(entry.id, entry.length), had);
      } else fresh.push(record);
    }
  }
  const refs: RecordRef[] = [];
  const readers = new Map<string, number>();
  const fd = (dataset: string) => {
    let n = readers.get(dataset);
    if (n === undefined) readers.set(dataset, (n = openSync(dataset, 'r')));
    return n;
  };
  const search: DuplicateSearch = { threshold, conversations: known.length + fresh.length, found: [], unjournaled: 0 };
  try {
    for (const { record, entry } of known) {
      finder.addKnown(entry, () => shingleSet(textAt(fd(record.dataset), record.entry) ?? ''));
      refs.push(record);
    }
    for (const [n, record] of fresh.entries()) {
      if (n % 1000 === 0 && signal?.aborted) throw new ForgeError('cancelled', 'marking duplicates was cancelled: nothing was marked');
      const text = textAt(fd(record.dataset), record.entry);
      // A journal record whose line is not a conversation is not one to compare (report names such lines).
      const verdict = finder.add(text ?? '');
      const doc = refs.push(record) - 1;
      indexes.get(record.dataset)!.entries.set(recordKey(record.entry.id, record.entry.length), finder.entry(doc));
      if (!verdict || text === undefined) continue;
      const of = refs[verdict.duplicateOf]!;
      search.found.push(foundOf(record, of, verdict.similarity, verdict.exact));
    }
  } finally {
    for (const n of readers.values()) closeSync(n);
  }
  const { marked } = await markDuplicates(search);
  for (const [dataset, index] of indexes) {
    if (existsSync(dataset) && (index.entries.size > 0 || existsSync(dedupIndexPath(dataset)))) saveDedupIndex(dataset, index);
  }
  return { search, marked, compared: fresh.length, known: known.length };
}

function foundOf(record: RecordRef, of: RecordRef, similarity: number, exact: boolean): FoundDuplicate {
  return {
    dataset: record.dataset,
    line: record.line,
    id: record.entry.id,
    of: of.entry.id,
    ofDataset: of.dataset,
    similarity,
    exact,
    meta: record.entry,
  };
}

/** The conversation text of the record at its journaled offset, or undefined when that line is not one. */
function textAt(fd: number, entry: JournalEntry): string | undefined {
  const buf = Buffer.alloc(entry.length);
  const got = readSync(fd, buf, 0, entry.length, entry.offset);
  try {
    const parsed = parseConversationRecord(JSON.parse(buf.toString('utf8', 0, got)));
    return parsed.ok ? conversationText(parsed.record) : undefined;
  } catch {
    return undefined;
  }
}
