import type { Usage } from '../../usage';
import { FORGE_VERSION } from '../../version';
import type { FailedEntry, FailureInput, JournalEntry, JournalMark, RecordMeta } from './types';
import { keepRejected, parseKeptRejection } from './failed-text';
import { isCount, isRecord } from './line-log';

/** Ids as ConversationSpec defines them; checked on write so the journal only ever holds these. */
export const ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

function isUsage(value: unknown): value is Usage {
  return (
    isRecord(value) &&
    isCount(value['inputTokens']) &&
    isCount(value['outputTokens']) &&
    isCount(value['cacheCreationInputTokens']) &&
    isCount(value['cacheReadInputTokens']) &&
    (value['cacheCreation1hInputTokens'] === undefined || isCount(value['cacheCreation1hInputTokens']))
  );
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/** A journal line, or undefined when it is not one. `batch`, `promptHash` and `forgeVersion` may be missing (older sidecars). */
export function parseJournalEntry(value: unknown): JournalEntry | undefined {
  if (!isRecord(value)) return undefined;
  const v = value;
  const ok =
    typeof v['id'] === 'string' &&
    ID_PATTERN.test(v['id']) &&
    isCount(v['index']) &&
    typeof v['sourceFile'] === 'string' &&
    isStringMap(v['variables']) &&
    typeof v['model'] === 'string' &&
    isUsage(v['usage']) &&
    typeof v['costUsd'] === 'number' &&
    isCount(v['attempts']) &&
    optionalString(v['batch']) &&
    optionalString(v['promptHash']) &&
    isCount(v['offset']) &&
    isCount(v['length']) &&
    (v['length'] as number) > 0 &&
    typeof v['time'] === 'string' &&
    optionalString(v['forgeVersion']);
  return ok ? (v as unknown as JournalEntry) : undefined;
}

export function parseFailedEntry(value: unknown): FailedEntry | undefined {
  if (!isRecord(value)) return undefined;
  const v = value;
  const ok =
    typeof v['id'] === 'string' &&
    isCount(v['index']) &&
    typeof v['sourceFile'] === 'string' &&
    typeof v['kind'] === 'string' &&
    typeof v['reason'] === 'string' &&
    isCount(v['attempts']) &&
    typeof v['time'] === 'string';
  if (!ok) return undefined;
  const entry = { ...v } as unknown as FailedEntry;
  const kept = parseKeptRejection(v['rejected']);
  if (kept) entry.rejected = kept;
  else delete entry.rejected;
  return entry;
}

/** The failure without its rejected text: what the writer keeps in memory for resume, however many failed. */
export function withoutText(entry: FailedEntry): FailedEntry {
  if (entry.rejected === undefined) return entry;
  const rest = { ...entry };
  delete rest.rejected;
  return rest;
}

/** A mark line of the journal (see JournalMark), or undefined when it is not one. */
export function parseJournalMark(value: unknown): JournalMark | undefined {
  if (!isRecord(value) || typeof value['id'] !== 'string' || !ID_PATTERN.test(value['id']) || typeof value['time'] !== 'string')
    return undefined;
  const v = value;
  if (v['mark'] === 'duplicate') {
    const ok = typeof v['of'] === 'string' && typeof v['similarity'] === 'number' && typeof v['threshold'] === 'number';
    return ok ? (v as unknown as JournalMark) : undefined;
  }
  if (v['mark'] === 'dropped') {
    const ok = isCount(v['index']) && typeof v['promptHash'] === 'string' && typeof v['reason'] === 'string';
    return ok ? (v as unknown as JournalMark) : undefined;
  }
  if (v['mark'] === 'regenerate') {
    const ok = isCount(v['index']) && typeof v['promptHash'] === 'string' && isCount(v['round']) && typeof v['reason'] === 'string';
    return ok ? (v as unknown as JournalMark) : undefined;
  }
  return undefined;
}

export type JournalLine = { kind: 'entry'; entry: JournalEntry } | { kind: 'mark'; mark: JournalMark };

/** Any line of the journal: a committed record's entry or a mark. */
export function parseJournalLine(value: unknown): JournalLine | undefined {
  if (isRecord(value) && value['mark'] !== undefined) {
    const mark = parseJournalMark(value);
    return mark && { kind: 'mark', mark };
  }
  const entry = parseJournalEntry(value);
  return entry && { kind: 'entry', entry };
}

/** The journal line that commits a record written at `offset` (`length` bytes, its newline included). */
export function journalEntryOf(meta: RecordMeta, offset: number, length: number, nowMs: number): JournalEntry {
  return {
    id: meta.id,
    index: meta.index,
    sourceFile: meta.sourceFile,
    variables: meta.variables,
    ...(meta.variation !== undefined ? { variation: meta.variation } : {}),
    model: meta.model,
    usage: meta.usage,
    costUsd: meta.costUsd,
    attempts: meta.attempts,
    ...(meta.batch !== undefined ? { batch: meta.batch } : {}),
    ...(meta.promptHash !== undefined ? { promptHash: meta.promptHash } : {}),
    offset,
    length,
    time: new Date(nowMs).toISOString(),
    forgeVersion: FORGE_VERSION,
  };
}

/** The line of `x.failed.jsonl` that records a failure. */
export function failedEntryOf(input: FailureInput, nowMs: number): FailedEntry {
  return {
    id: input.id,
    index: input.index,
    sourceFile: input.sourceFile,
    kind: input.kind,
    reason: input.reason,
    attempts: input.attempts,
    time: new Date(nowMs).toISOString(),
    ...(input.rejected ? { rejected: keepRejected(input.rejected) } : {}),
  };
}
