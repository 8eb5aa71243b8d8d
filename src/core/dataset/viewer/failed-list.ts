import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseFailedEntry } from '../../generate/output/journal';
import { datasetFiles } from '../../generate/output/paths';
import type { FailedEntry } from '../../generate/output/types';
import { readLines } from '../read-lines';
import { MAX_SHOWN_CHARS, type ViewerTurn } from './viewer-item';
import type { ViewerQuery } from './viewer-query';
import { YIELD_EVERY_LINES, yieldToEventLoop } from './yield';

/** The kind a validation failure is recorded with (errors.ts): what the failed filter shows. */
const VALIDATION_KIND = 'invalid_output';

/** A conversation that failed validation, as the viewer shows it (protocol ViewerFailure). */
export interface FailedItem {
  kind: 'failed';
  line: number;
  id: string;
  index: number;
  sourceFile: string;
  errorKind: string;
  reason: string;
  attempts: number;
  time: string;
  turns?: ViewerTurn[];
  raw?: boolean;
  rule?: string;
  messageIndex?: number;
  omittedMessages?: number;
}

/**
 * The failures a query found: where their lines are, numbers only, so paging reads a page's lines
 * and nothing else. One per id (its last line: what the report counts), in the order of those lines.
 */
export interface FailedList {
  file: string;
  lines: number[];
  offsets: number[];
  lengths: number[];
  /** Lines that are not failure records (a bad last line, left by a crash, is not among them). */
  unreadable: number[];
}

/** The failures file beside `dataset`, or undefined with the reason the filter has nothing to show. */
export function failuresFileOf(dataset: string): { file: string } | { unavailable: string } {
  const { failed } = datasetFiles(dataset);
  if (!existsSync(failed)) return { unavailable: `no ${basename(failed)} beside the dataset: no conversation failed validation` };
  return { file: failed };
}

/** Does a failure match the query? Only its text and its message count can be asked about. */
function matchesFailure(q: ViewerQuery, f: FailedEntry): boolean {
  const turns = f.rejected?.messages.length;
  if (q.minTurns !== undefined && (turns === undefined || turns < q.minTurns)) return false;
  if (q.maxTurns !== undefined && (turns === undefined || turns > q.maxTurns)) return false;
  if (q.text) {
    const needle = q.text.toLowerCase();
    const texts = [f.id, f.reason, ...(f.rejected?.messages.map((m) => m.content) ?? [])];
    if (!texts.some((t) => t.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/**
 * One streamed pass over the failures file: the validation failures that match `query`, the last
 * line of each id (a failure retried and failed again is shown once, as it last failed). Memory
 * is one small entry per failed id, never the texts.
 */
export async function listFailed(file: string, query: ViewerQuery, signal?: AbortSignal): Promise<FailedList> {
  const latest = new Map<string, { line: number; offset: number; length: number; shown: boolean }>();
  const unreadable: number[] = [];
  let last = 0;
  for await (const l of readLines(file)) {
    if (l.line % YIELD_EVERY_LINES === 0) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
    last = l.line;
    if (l.text.trim() === '') continue;
    const entry = parseFailure(l.text);
    if (!entry) {
      unreadable.push(l.line);
      continue;
    }
    // Delete first, so the map's order is the order of each id's last line.
    latest.delete(entry.id);
    const shown = entry.kind === VALIDATION_KIND && matchesFailure(query, entry);
    latest.set(entry.id, { line: l.line, offset: l.offset, length: l.length, shown });
  }
  signal?.throwIfAborted();
  // A torn or garbled last line is what a crash leaves; the writer cuts it on its next open.
  if (unreadable.at(-1) === last) unreadable.pop();
  const out: FailedList = { file, lines: [], offsets: [], lengths: [], unreadable };
  for (const e of latest.values()) {
    if (!e.shown) continue;
    out.lines.push(e.line);
    out.offsets.push(e.offset);
    out.lengths.push(e.length);
  }
  return out;
}

function parseFailure(text: string): FailedEntry | undefined {
  try {
    return parseFailedEntry(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Failures `start`.. of `list` (0-based), at most `size`, read from their lines. */
export async function failedPage(list: FailedList, start: number, size: number): Promise<FailedItem[]> {
  const end = Math.min(list.lines.length, start + size);
  if (start >= end) return [];
  const handle = await open(list.file, 'r');
  try {
    const items: FailedItem[] = [];
    for (let i = start; i < end; i++) {
      const buffer = Buffer.alloc(list.lengths[i]!);
      await handle.read(buffer, 0, buffer.length, list.offsets[i]!);
      const entry = parseFailure(buffer.toString('utf8'));
      if (!entry) throw new Error(`${basename(list.file)} line ${list.lines[i]} changed while it was shown: search again`);
      items.push(toFailedItem(entry, list.lines[i]!));
    }
    return items;
  } finally {
    await handle.close();
  }
}

export function toFailedItem(f: FailedEntry, line: number): FailedItem {
  const r = f.rejected;
  return {
    kind: 'failed',
    line,
    id: f.id,
    index: f.index,
    sourceFile: f.sourceFile,
    errorKind: f.kind,
    reason: f.reason,
    attempts: f.attempts,
    time: f.time,
    ...(r
      ? {
          turns: r.messages.map((m) => ({
            role: m.role,
            content: m.content.slice(0, MAX_SHOWN_CHARS),
            cut: Math.max(0, m.content.length - MAX_SHOWN_CHARS),
          })),
          ...(r.raw ? { raw: true } : {}),
          ...(r.rule !== undefined ? { rule: r.rule } : {}),
          ...(r.messageIndex !== undefined ? { messageIndex: r.messageIndex } : {}),
          ...(r.omittedMessages !== undefined ? { omittedMessages: r.omittedMessages } : {}),
        }
      : {}),
  };
}
