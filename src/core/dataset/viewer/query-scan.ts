import { parseJournalEntry } from '../../generate/output/journal';
import type { JournalEntry } from '../../generate/output/types';
import { conversationText } from '../conversation-record';
import { NearDuplicateFinder } from '../near-duplicates';
import { readLines, type DatasetLine } from '../read-lines';
import type { JournalMarks } from '../journal-marks';
import { parseLine, type DuplicateRef, type ItemMarks } from './viewer-item';
import { matches, mayContain, needsJournal, needsMarks, type ViewerQuery } from './viewer-query';
import { YIELD_EVERY_LINES, yieldToEventLoop } from './yield';

export interface ScanProgress {
  bytes: number;
  totalBytes: number;
  matches: number;
}

/** The lines a query found: numbers only (two per match), so 200,000 matches stay a few MB. */
export interface MatchList {
  lines: number[];
  offsets: number[];
  /**
   * Duplicates this scan found itself, by line (a subset of `lines`): only for a dataset without a
   * journal, whose duplicates nothing marked. A Forge dataset's come from its journal's marks.
   */
  found: Map<number, DuplicateRef>;
  /** Bytes scanned (the dataset's size when opened). */
  bytes: number;
}

export interface ScanOptions {
  totalBytes: number;
  journal?: string;
  /** The journal's marks (read before a query on the duplicate or regenerated flag starts). */
  marks?: JournalMarks;
  /** Jaccard threshold for the duplicates a dataset without a journal is searched for. */
  threshold?: number;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
}

/**
 * Journal entries in step with the dataset's lines. Forge appends a record and then its journal
 * line, so both are in offset order and one forward pass over each pairs them in bounded memory.
 */
class JournalCursor {
  private readonly lines: AsyncGenerator<DatasetLine>;
  private next: JournalEntry | undefined;
  private ended = false;

  constructor(path: string) {
    this.lines = readLines(path);
  }

  async at(offset: number): Promise<JournalEntry | undefined> {
    while (!this.ended && (this.next === undefined || this.next.offset < offset)) {
      const r = await this.lines.next();
      if (r.done) {
        this.ended = true;
        this.next = undefined;
        break;
      }
      try {
        this.next = parseJournalEntry(JSON.parse(r.value.text));
      } catch {
        this.next = undefined;
      }
    }
    return this.next?.offset === offset ? this.next : undefined;
  }

  async close(): Promise<void> {
    await this.lines.return(undefined);
  }
}

/** Streams the dataset once and lists the lines the query matches; checks `signal` every line. */
export async function scanQuery(dataset: string, query: ViewerQuery, options: ScanOptions): Promise<MatchList> {
  const { totalBytes, signal, onProgress } = options;
  const out: MatchList = { lines: [], offsets: [], found: new Map(), bytes: 0 };
  const { marks } = options;
  const byJournal = options.journal !== undefined;
  // Without a journal nothing marked the duplicates: the scan searches for them itself.
  const finder = !byJournal && (query.flags ?? []).includes('duplicate') ? new NearDuplicateFinder(options.threshold) : undefined;
  /** Line of every conversation the finder was given, by its number there. */
  const finderLines: number[] = [];
  const journal = options.journal && (needsJournal(query) || needsMarks(query)) ? new JournalCursor(options.journal) : undefined;
  const needle = query.text?.toLowerCase();
  let nextReport = 4 << 20;
  try {
    for await (const l of readLines(dataset)) {
      if (l.offset >= totalBytes) break;
      // Yield first, then check: a Cancel that arrived meanwhile stops the scan at once.
      if (l.line % YIELD_EVERY_LINES === 0) await yieldToEventLoop();
      signal?.throwIfAborted();
      out.bytes = Math.min(totalBytes, l.offset + l.length + 1);
      if (out.bytes >= nextReport) {
        nextReport = out.bytes + (4 << 20);
        onProgress?.({ bytes: out.bytes, totalBytes, matches: out.lines.length });
      }
      // Only a duplicate search must parse every line: every conversation is a possible original.
      if (needle && !finder && !mayContain(l.text, needle)) continue;
      const parsed = parseLine(l.text);
      if (!parsed) continue;
      let found: DuplicateRef | undefined;
      if (finder && parsed.ok) {
        const verdict = finder.add(conversationText({ turns: parsed.turns }));
        finderLines.push(l.line);
        if (verdict) found = { line: finderLines[verdict.duplicateOf]!, similarity: verdict.similarity, marked: false };
      }
      const meta = journal ? await journal.at(l.offset) : undefined;
      const itemMarks = found ? { duplicateOf: found } : marksOf(marks, meta?.id);
      if (!matches(query, parsed, meta, itemMarks)) continue;
      out.lines.push(l.line);
      out.offsets.push(l.offset);
      if (found) out.found.set(l.line, found);
    }
  } finally {
    await journal?.close();
  }
  out.bytes = totalBytes;
  onProgress?.({ bytes: totalBytes, totalBytes, matches: out.lines.length });
  return out;
}

/** What the journal's marks say of record `id`, as the viewer shows it. */
export function marksOf(marks: JournalMarks | undefined, id: string | undefined): ItemMarks {
  if (!marks || id === undefined) return {};
  const dup = marks.duplicateOf(id);
  const round = marks.regenerationRound(id);
  return {
    ...(dup ? { duplicateOf: { id: dup.of, similarity: dup.similarity, marked: true } } : {}),
    ...(round !== undefined ? { regenerated: round } : {}),
  };
}
