import { parseJournalEntry } from '../../generate/output/journal';
import type { JournalEntry } from '../../generate/output/types';
import { conversationText } from '../conversation-record';
import { NearDuplicateFinder } from '../near-duplicates';
import { readLines, type DatasetLine } from '../read-lines';
import { parseLine } from './viewer-item';
import { matches, mayContain, needsJournal, type ViewerQuery } from './viewer-query';
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
  /** Lines marked duplicate by this scan (a subset of `lines`), when the query asked for duplicates. */
  duplicates: Set<number>;
  /** Bytes scanned (the dataset's size when opened). */
  bytes: number;
}

export interface ScanOptions {
  totalBytes: number;
  journal?: string;
  /** Jaccard threshold for the duplicate flag. */
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
  const out: MatchList = { lines: [], offsets: [], duplicates: new Set(), bytes: 0 };
  const wantsDuplicates = (query.flags ?? []).includes('duplicate');
  const finder = wantsDuplicates ? new NearDuplicateFinder(options.threshold) : undefined;
  const journal = options.journal && needsJournal(query) ? new JournalCursor(options.journal) : undefined;
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
      let duplicate = false;
      if (finder && parsed.ok) duplicate = finder.add(conversationText({ turns: parsed.turns })) !== undefined;
      const meta = journal ? await journal.at(l.offset) : undefined;
      if (!matches(query, parsed, meta, duplicate)) continue;
      out.lines.push(l.line);
      out.offsets.push(l.offset);
      if (duplicate) out.duplicates.add(l.line);
    }
  } finally {
    await journal?.close();
  }
  out.bytes = totalBytes;
  onProgress?.({ bytes: totalBytes, totalBytes, matches: out.lines.length });
  return out;
}
