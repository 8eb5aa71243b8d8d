import type { JournalEntry } from '../../generate/output/types';
import type { ItemMarks, ParsedLine, ViewerFlag } from './viewer-item';

/** What the viewer shows: every condition given must hold (an empty query shows every line). */
export interface ViewerQuery {
  /** Case-insensitive text in any message or the system prompt. */
  text?: string;
  batch?: string;
  /** Variable name → value; needs the journal. */
  variables?: Record<string, string>;
  minTurns?: number;
  maxTurns?: number;
  /** The conversation has all of these. */
  flags?: ViewerFlag[];
  /** Only the lines that cannot be read as a conversation. */
  broken?: boolean;
}

export function isEmptyQuery(q: ViewerQuery): boolean {
  return (
    !q.text &&
    q.batch === undefined &&
    Object.keys(q.variables ?? {}).length === 0 &&
    q.minTurns === undefined &&
    q.maxTurns === undefined &&
    (q.flags ?? []).length === 0 &&
    !q.broken
  );
}

export function needsJournal(q: ViewerQuery): boolean {
  return q.batch !== undefined || Object.keys(q.variables ?? {}).length > 0;
}

/** Flags that come from the journal's marks (or, without a journal, from the view's own search). */
export function needsMarks(q: ViewerQuery): boolean {
  return (q.flags ?? []).some((f) => f === 'duplicate' || f === 'regenerated');
}

const PLAIN_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * A cheap test on the raw line before parsing it: false only when the text cannot be in it.
 * Sound because JSON writes plain ASCII (no quote, no backslash) as itself, unless the writer
 * escaped it as \uXXXX, which the `\u` check catches.
 */
export function mayContain(raw: string, needleLower: string): boolean {
  if (!PLAIN_ASCII.test(needleLower)) return true;
  return raw.includes('\\u') || raw.toLowerCase().includes(needleLower);
}

/** Does a parsed line (with its journal entry, and what the marks or the scan say of it) match? */
export function matches(q: ViewerQuery, parsed: ParsedLine, meta: JournalEntry | undefined, marks: ItemMarks): boolean {
  if (!parsed.ok) return q.broken === true && !q.text && !needsJournal(q);
  if (q.broken) return false;
  const turns = parsed.turns.length;
  if (q.minTurns !== undefined && turns < q.minTurns) return false;
  if (q.maxTurns !== undefined && turns > q.maxTurns) return false;
  for (const flag of q.flags ?? []) {
    if (flag === 'duplicate' ? !marks.duplicateOf : flag === 'regenerated' ? !marks.regenerated : !parsed.flags.includes(flag))
      return false;
  }
  if (q.batch !== undefined && (meta?.batch ?? (meta ? '(unnamed)' : undefined)) !== q.batch) return false;
  for (const [name, value] of Object.entries(q.variables ?? {})) {
    if (meta?.variables[name] !== value) return false;
  }
  if (q.text) {
    const needle = q.text.toLowerCase();
    const inText = (s: string) => s.toLowerCase().includes(needle);
    if (!(parsed.system !== undefined && inText(parsed.system)) && !parsed.turns.some((t) => inText(t.content))) return false;
  }
  return true;
}
