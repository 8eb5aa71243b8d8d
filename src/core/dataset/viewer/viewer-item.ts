import { parseConversationRecord, type Turn } from '../conversation-record';
import { flagsOf, type QualityFlag } from '../quality-patterns';
import type { JournalEntry } from '../../generate/output/types';
import type { RawLine } from './read-at';

/** A message longer than this is cut for display (the file is untouched); the card says so. */
export const MAX_SHOWN_CHARS = 20_000;

export type ViewerFlag = QualityFlag | 'duplicate';

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
export function toViewerItem(raw: RawLine, meta?: JournalEntry, duplicate = false): ViewerItem | undefined {
  const parsed = parseLine(raw.text);
  if (!parsed) return undefined;
  if (!parsed.ok) return { kind: 'broken', line: raw.line, problem: parsed.problem };
  return {
    kind: 'conversation',
    line: raw.line,
    offset: raw.offset,
    ...(parsed.system !== undefined ? { system: cut(parsed.system).content } : {}),
    turns: parsed.turns.map((t) => ({ role: t.role, ...cut(t.content) })),
    flags: duplicate ? [...parsed.flags, 'duplicate'] : parsed.flags,
    ...(meta ? { id: meta.id, variables: meta.variables, ...(meta.batch !== undefined ? { batch: meta.batch } : {}) } : {}),
  };
}
