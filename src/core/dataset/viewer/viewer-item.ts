import { parseConversationRecord, type Turn } from '../conversation-record';
import { flagsOf, type QualityFlag } from '../quality-patterns';
import type { JournalEntry } from '../../generate/output/types';
import type { RawLine } from './read-at';

/** A message longer than this is cut for display (the file is untouched); the card says so. */
export const MAX_SHOWN_CHARS = 20_000;

export type ViewerFlag = QualityFlag | 'duplicate' | 'regenerated';

/**
 * The conversation a duplicate duplicates: by id when the journal marks it (what `convforge dedup`
 * and the report count), by line when this view's own search found it (a dataset without a journal).
 */
export interface DuplicateRef {
  id?: string;
  line?: number;
  similarity: number;
  /** From the journal's marks (true), or found by the viewer's search at the threshold setting. */
  marked: boolean;
}

/** What the journal (or the search) says of a conversation beyond its line. */
export interface ItemMarks {
  duplicateOf?: DuplicateRef;
  /** Made again by `dedup --regenerate`: its round. */
  regenerated?: number;
}

export interface ViewerTurn {
  role: Turn['role'];
  content: string;
  /** Characters cut for display. */
  cut: number;
}

/** What one dataset line shows as: a conversation, or a broken line reported by number and skipped. */
export type ViewerItem =
  | {
      kind: 'conversation';
      line: number;
      offset: number;
      system?: string;
      turns: ViewerTurn[];
      flags: ViewerFlag[];
      id?: string;
      batch?: string;
      variables?: Record<string, string>;
      duplicateOf?: DuplicateRef;
      regenerated?: number;
    }
  | { kind: 'broken'; line: number; problem: string };

/** A parsed line: the record and its quality flags, or the reason it cannot be shown. */
export type ParsedLine = { ok: true; turns: Turn[]; system?: string; flags: QualityFlag[] } | { ok: false; problem: string };

export function parseLine(text: string): ParsedLine | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not JSON: ${(e as Error).message}` };
  }
  const parsed = parseConversationRecord(value);
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const { turns, system } = parsed.record;
  // The same text the report flags: the turns, never the shared system prompt.
  const flags = flagsOf(turns.map((t) => t.content).join('\n'));
  return { ok: true, turns, ...(system !== undefined ? { system } : {}), flags };
}

function cut(text: string): { content: string; cut: number } {
  return text.length <= MAX_SHOWN_CHARS
    ? { content: text, cut: 0 }
    : { content: text.slice(0, MAX_SHOWN_CHARS), cut: text.length - MAX_SHOWN_CHARS };
}

/** undefined for a blank line (nothing to show, nothing wrong). */
export function toViewerItem(raw: RawLine, meta?: JournalEntry, marks: ItemMarks = {}): ViewerItem | undefined {
  const parsed = parseLine(raw.text);
  if (!parsed) return undefined;
  if (!parsed.ok) return { kind: 'broken', line: raw.line, problem: parsed.problem };
  return {
    kind: 'conversation',
    line: raw.line,
    offset: raw.offset,
    ...(parsed.system !== undefined ? { system: cut(parsed.system).content } : {}),
    turns: parsed.turns.map((t) => ({ role: t.role, ...cut(t.content) })),
    flags: [
      ...parsed.flags,
      ...(marks.duplicateOf ? (['duplicate'] as const) : []),
      ...(marks.regenerated ? (['regenerated'] as const) : []),
    ],
    ...(meta ? { id: meta.id, variables: meta.variables, ...(meta.batch !== undefined ? { batch: meta.batch } : {}) } : {}),
    ...(marks.duplicateOf ? { duplicateOf: marks.duplicateOf } : {}),
    ...(marks.regenerated ? { regenerated: marks.regenerated } : {}),
  };
}
