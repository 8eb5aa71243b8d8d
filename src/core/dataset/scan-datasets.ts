import { existsSync } from 'node:fs';
import { parseFailedEntry, parseJournalLine } from '../generate/output/journal';
import { datasetFiles } from '../generate/output/paths';
import type { JournalEntry, JournalMark } from '../generate/output/types';
import { conversationText, parseConversationRecord, type ConversationRecord } from './conversation-record';
import { JournalMarks } from './journal-marks';
import { NearDuplicateFinder } from './near-duplicates';
import { flagsOf, type QualityFlag } from './quality-patterns';
import { readLines } from './read-lines';
import { YIELD_EVERY_LINES, yieldToEventLoop } from './viewer/yield';

/** Where a conversation sits: which dataset of the scan and which line. */
export interface LineRef {
  dataset: string;
  line: number;
  id?: string;
}

export type ScannedLine =
  | { kind: 'broken'; dataset: string; line: number; problem: string }
  | {
      kind: 'conversation';
      dataset: string;
      line: number;
      offset: number;
      length: number;
      record: ConversationRecord;
      /** From the journal, when the dataset is Forge's. */
      meta?: JournalEntry;
      duplicateOf?: LineRef & { similarity: number; exact: boolean };
      /** The journal marks this conversation as a duplicate (at the threshold of the run or command that marked it). */
      marked?: { of: string; similarity: number; threshold: number };
      flags: QualityFlag[];
    };

export interface ScanOptions {
  /** Jaccard threshold for near-duplicates (default 0.8). */
  threshold?: number;
  /** Stops the scan (it then rejects with an AbortError): a report nobody waits for any more. */
  signal?: AbortSignal;
  /** Bytes read of the dataset being scanned, every few hundred lines. */
  onProgress?: (p: { dataset: string; bytes: number }) => void;
}

/** The journal's entries by the byte offset of their record; empty for a dataset that is not Forge's. */
export async function journalByOffset(dataset: string): Promise<Map<number, JournalEntry>> {
  return (await readJournal(dataset)).byOffset;
}

/** The journal's entries by offset and its marks in order (a torn or foreign line is skipped). */
export async function readJournal(dataset: string): Promise<{ byOffset: Map<number, JournalEntry>; marks: JournalMark[] }> {
  const byOffset = new Map<number, JournalEntry>();
  const marks: JournalMark[] = [];
  const { journal } = datasetFiles(dataset);
  if (!existsSync(journal)) return { byOffset, marks };
  for await (const l of readLines(journal)) {
    if (l.text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch {
      continue;
    }
    const line = parseJournalLine(value);
    if (line?.kind === 'entry') byOffset.set(line.entry.offset, line.entry);
    else if (line?.kind === 'mark') marks.push(line.mark);
  }
  return { byOffset, marks };
}

/** Failed conversations of a dataset by kind (from `x.failed.jsonl`, last word per id). */
export async function failuresByKind(dataset: string): Promise<Record<string, number>> {
  const { failed } = datasetFiles(dataset);
  const lastKind = new Map<string, string>();
  if (existsSync(failed)) {
    for await (const l of readLines(failed)) {
      try {
        const entry = parseFailedEntry(JSON.parse(l.text));
        if (entry) lastKind.set(entry.id, entry.kind);
      } catch {
        // A torn last line of a log that was being written: not a failure to report.
      }
    }
  }
  const counts: Record<string, number> = {};
  for (const kind of lastKind.values()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Streams every line of the datasets, in order, with its parsed conversation, journal record,
 * quality flags and (across all the datasets given) the earlier conversation it duplicates.
 * Broken lines are reported with their line number and never "fixed".
 */
export async function* scanDatasets(datasets: readonly string[], options: ScanOptions = {}): AsyncGenerator<ScannedLine> {
  const finder = new NearDuplicateFinder(options.threshold);
  const refs: LineRef[] = [];
  for (const dataset of datasets) {
    const { byOffset: journal, marks } = await readJournal(dataset);
    const markedAs = JournalMarks.of(marks);
    for await (const l of readLines(dataset)) {
      if (l.line % YIELD_EVERY_LINES === 0) {
        // In an extension host a long scan must let pages and messages through (see yield.ts).
        await yieldToEventLoop();
        options.onProgress?.({ dataset, bytes: l.offset });
      }
      options.signal?.throwIfAborted();
      if (l.text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch (e) {
        yield { kind: 'broken', dataset, line: l.line, problem: `not JSON: ${(e as Error).message}` };
        continue;
      }
      const parsed = parseConversationRecord(value);
      if (!parsed.ok) {
        yield { kind: 'broken', dataset, line: l.line, problem: parsed.problem };
        continue;
      }
      const meta = journal.get(l.offset);
      const verdict = finder.add(conversationText(parsed.record));
      refs.push({ dataset, line: l.line, ...(meta ? { id: meta.id } : {}) });
      const assistantText = parsed.record.turns.map((t) => t.content).join('\n');
      const marked = markedAs.duplicateOf(meta?.id);
      yield {
        kind: 'conversation',
        dataset,
        line: l.line,
        offset: l.offset,
        length: l.length,
        record: parsed.record,
        ...(meta ? { meta } : {}),
        ...(marked ? { marked } : {}),
        ...(verdict ? { duplicateOf: { ...refs[verdict.duplicateOf]!, similarity: verdict.similarity, exact: verdict.exact } } : {}),
        flags: flagsOf(assistantText),
      };
    }
  }
}
