import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { ForgeError } from '../errors';
import type { JournalEntry, JournalMark } from '../generate/output/types';
import { conversationText, parseConversationRecord } from './conversation-record';
import {
  dedupIndexPath,
  encodeRecord,
  entryOf,
  fingerprintOf,
  keyAt,
  loadDedupIndex,
  recordKey,
  saveDedupIndex,
  type DedupIndex,
  type IndexRecord,
} from './dedup-index';
import { markDuplicates, type DuplicateSearch, type FoundDuplicate } from './duplicate-marks';
import type { PreparedDuplicates, PreparedKeys } from './duplicate-prep';
import { DEFAULT_DUPLICATE_THRESHOLD, NearDuplicateFinder, type PreparedDocument } from './near-duplicates';
import { readJournal } from './scan-datasets';
import { shingleSet } from './shingles';
import { yieldToEventLoop } from './viewer/yield';

export interface NewDuplicatesOutcome {
  search: DuplicateSearch;
  marked: number;
  /** Conversations read and compared in this pass (new since the index, or all of a dataset without one). */
  compared: number;
  /** Conversations known from the index: compared with through their keys, read only when a candidate. */
  known: number;
  /** Of those compared, the ones the run had prepared as it wrote them (not read and prepared again here). */
  prepared: number;
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
 * first, so a new conversation is the duplicate of an older one, never the other way round.
 *
 * The new texts are prepared first; then a known record takes part only when it shares an LSH key
 * or the exact fingerprint with one of them (no other could ever be a candidate), so a run adding
 * 1,000 conversations to 200,000 touches the rest only to compare a few numbers. Marks are appended,
 * then the indexes saved: a crash between leaves records unknown, compared again next time, never
 * skipped. Only journaled records take part (others cannot be marked).
 *
 * `prepared`: conversations the run prepared as it wrote them (duplicate-prep.ts); those at this
 * threshold are not read and prepared again.
 */
export async function markNewDuplicates(
  datasets: readonly string[],
  threshold = DEFAULT_DUPLICATE_THRESHOLD,
  signal?: AbortSignal,
  prepared: readonly PreparedDuplicates[] = [],
): Promise<NewDuplicatesOutcome> {
  const ahead = prepared.filter((p) => p.threshold === threshold);
  let taken = 0;
  const takeAhead = (ref: RecordRef): PreparedKeys | undefined => {
    for (const p of ahead) {
      const keys = p.take(ref.dataset, ref.entry);
      if (keys) {
        taken++;
        return keys;
      }
    }
    return undefined;
  };
  const finder = new NearDuplicateFinder(threshold);
  const bands = finder.banding.bands;
  const known: { ref: RecordRef; record: IndexRecord }[] = [];
  const fresh: RecordRef[] = [];
  const indexes = new Map<string, DedupIndex>();
  const marks = new Map<string, JournalMark[]>();
  // In an extension host this runs beside everything else: it yields often and stops when asked.
  const checkpoint = async (n: number, every: number) => {
    if (n % every !== 0) return;
    await yieldToEventLoop();
    if (signal?.aborted) throw new ForgeError('cancelled', 'marking duplicates was cancelled: nothing was marked');
  };
  for (const dataset of datasets) {
    await checkpoint(0, 1);
    const journal = await readJournal(dataset);
    marks.set(dataset, journal.marks);
    const index = loadDedupIndex(dataset, { threshold, bands });
    const entries = [...journal.byOffset.values()].sort((a, b) => a.offset - b.offset);
    const next: DedupIndex = { threshold, bands, records: new Map() };
    indexes.set(dataset, next);
    for (const [i, entry] of entries.entries()) {
      const ref = { dataset, entry, line: i + 1 };
      const key = recordKey(entry.id, entry.length);
      const had = index?.records.get(key);
      if (had) {
        known.push({ ref, record: had });
        next.records.set(key, had);
      } else fresh.push(ref);
    }
  }
  const readers = new Map<string, number>();
  const fd = (dataset: string) => {
    let n = readers.get(dataset);
    if (n === undefined) readers.set(dataset, (n = openSync(dataset, 'r')));
    return n;
  };
  // A record's shingle set read again from the dataset, for when it has a candidate to confirm.
  const readSet = (ref: RecordRef) => () => shingleSet(textAt(fd(ref.dataset), ref.entry) ?? '');
  const search: DuplicateSearch = { threshold, conversations: known.length + fresh.length, found: [], unjournaled: 0 };
  try {
    const documents: (PreparedDocument | undefined)[] = [];
    const reader = new ReadAhead();
    const freshKeys = Array.from({ length: bands }, () => new Set<number>());
    const freshFingerprints = new Set<string>();
    for (const [n, ref] of fresh.entries()) {
      await checkpoint(n, 200);
      let p: PreparedKeys | undefined = takeAhead(ref);
      if (!p) {
        const text = textAt(fd(ref.dataset), ref.entry, reader);
        // A journal record whose line is not a conversation is not one to compare (report names such lines).
        const made = text === undefined ? undefined : finder.prepare(text);
        // Only the fingerprint and keys stay: a run of 100,000 long conversations would otherwise hold
        // every shingle set (several KB each) until the end of the pass.
        p = made && { fingerprint: made.fingerprint, keys: made.keys };
      }
      // A set the run kept (a bounded number, duplicate-prep.ts) is used as it is; the rest are read again when needed.
      documents.push(p && { fingerprint: p.fingerprint, keys: p.keys, set: p.set ?? readSet(ref) });
      // What a known record is checked against: nothing to gather when the index knows none.
      if (!p || known.length === 0) continue;
      freshFingerprints.add(p.fingerprint);
      for (let b = 0; b < bands; b++) freshKeys[b]!.add(p.keys[b]!);
    }
    const refs: RecordRef[] = [];
    for (const [n, { ref, record }] of known.entries()) {
      await checkpoint(n, 5000);
      if (!touches(record, bands, freshKeys, freshFingerprints)) continue;
      finder.addKnown(entryOf(record, bands), readSet(ref));
      refs.push(ref);
    }
    for (const [n, ref] of fresh.entries()) {
      await checkpoint(n, 200);
      const p = documents[n];
      const key = recordKey(ref.entry.id, ref.entry.length);
      if (!p) {
        indexes.get(ref.dataset)!.records.set(key, encodeRecord(key, {}, bands));
        continue;
      }
      const verdict = finder.addPrepared(p);
      const doc = refs.push(ref) - 1;
      indexes.get(ref.dataset)!.records.set(key, encodeRecord(key, finder.entry(doc), bands));
      if (verdict) search.found.push(foundOf(ref, refs[verdict.duplicateOf]!, verdict.similarity, verdict.exact));
    }
  } finally {
    for (const n of readers.values()) closeSync(n);
  }
  await checkpoint(0, 1);
  const { marked } = await markDuplicates(search, undefined, marks);
  for (const [dataset, index] of indexes) {
    if (existsSync(dataset) && (index.records.size > 0 || existsSync(dedupIndexPath(dataset)))) saveDedupIndex(dataset, index);
  }
  return { search, marked, compared: fresh.length, known: known.length, prepared: taken };
}

/** Whether a known record could meet a new one: the same exact fingerprint, or an LSH key in common. */
function touches(record: IndexRecord, bands: number, keys: readonly Set<number>[], fingerprints: ReadonlySet<string>): boolean {
  if (record.keysAt !== undefined) for (let b = 0; b < bands; b++) if (keys[b]!.has(keyAt(record, b)!)) return true;
  const fingerprint = fingerprintOf(record);
  return fingerprint !== undefined && fingerprints.has(fingerprint);
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
function textAt(fd: number, entry: JournalEntry, ahead?: ReadAhead): string | undefined {
  const { buf, start, end } = ahead ? ahead.read(fd, entry) : readOnce(fd, entry);
  try {
    const parsed = parseConversationRecord(JSON.parse(buf.toString('utf8', start, end)));
    return parsed.ok ? conversationText(parsed.record) : undefined;
  } catch {
    return undefined;
  }
}

function readOnce(fd: number, entry: JournalEntry): { buf: Buffer; start: number; end: number } {
  const buf = Buffer.alloc(entry.length);
  return { buf, start: 0, end: readSync(fd, buf, 0, entry.length, entry.offset) };
}

const READ_AHEAD_BYTES = 1 << 20;

/**
 * One read of a megabyte serves the records in it: a run's new conversations are read in the
 * order they were written, and a read each cost more than shingling many of them.
 */
class ReadAhead {
  private fd = -1;
  private buf = Buffer.alloc(0);
  private from = 0;
  private to = 0;

  read(fd: number, entry: JournalEntry): { buf: Buffer; start: number; end: number } {
    const end = entry.offset + entry.length;
    if (fd !== this.fd || entry.offset < this.from || end > this.to) {
      const size = Math.max(READ_AHEAD_BYTES, entry.length);
      if (this.buf.length < size) this.buf = Buffer.alloc(size);
      this.fd = fd;
      this.from = entry.offset;
      this.to = entry.offset + readSync(fd, this.buf, 0, size, entry.offset);
    }
    return { buf: this.buf, start: entry.offset - this.from, end: Math.min(end, this.to) - this.from };
  }
}
