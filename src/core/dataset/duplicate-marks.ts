import { systemClock, type Clock } from '../clock';
import { openDataset } from '../generate/output/dataset-writer';
import { rewriteDataset, type RewriteResult } from '../generate/output/rewrite-dataset';
import type { JournalEntry, JournalMark } from '../generate/output/types';
import { forgetInDedupIndex } from './dedup-index';
import { DEFAULT_DUPLICATE_THRESHOLD } from './near-duplicates';
import { readJournal, scanDatasets } from './scan-datasets';

export interface FoundDuplicate {
  dataset: string;
  line: number;
  id: string;
  /** Id of the earlier conversation it duplicates (in `ofDataset`). */
  of: string;
  ofDataset: string;
  similarity: number;
  exact: boolean;
  meta: JournalEntry;
}

export interface DuplicateSearch {
  threshold: number;
  conversations: number;
  found: FoundDuplicate[];
  /** Duplicates without a journal record on either side: they cannot be marked (export still leaves them out). */
  unjournaled: number;
}

/** Near-duplicates across `datasets` (in order: a later conversation duplicates an earlier one). */
export async function findDuplicates(datasets: readonly string[], threshold = DEFAULT_DUPLICATE_THRESHOLD): Promise<DuplicateSearch> {
  const search: DuplicateSearch = { threshold, conversations: 0, found: [], unjournaled: 0 };
  for await (const s of scanDatasets(datasets, { threshold })) {
    if (s.kind !== 'conversation') continue;
    search.conversations++;
    if (!s.duplicateOf) continue;
    if (!s.meta || s.duplicateOf.id === undefined) {
      search.unjournaled++;
      continue;
    }
    search.found.push({
      dataset: s.dataset,
      line: s.line,
      id: s.meta.id,
      of: s.duplicateOf.id,
      ofDataset: s.duplicateOf.dataset,
      similarity: s.duplicateOf.similarity,
      exact: s.duplicateOf.exact,
      meta: s.meta,
    });
  }
  return search;
}

function byDataset(found: readonly FoundDuplicate[]): Map<string, FoundDuplicate[]> {
  const out = new Map<string, FoundDuplicate[]>();
  for (const f of found) out.set(f.dataset, [...(out.get(f.dataset) ?? []), f]);
  return out;
}

/**
 * Appends a `duplicate` mark to each dataset's journal for every duplicate it does not mark yet.
 * Goes through the dataset writer: the lock is taken (no run writes meanwhile) and a torn tail is
 * repaired before the marks land after it.
 */
export async function markDuplicates(
  search: DuplicateSearch,
  clock: Clock = systemClock,
  /** The datasets' marks when the caller has just read their journals (they are not read again). */
  journalMarks?: ReadonlyMap<string, readonly JournalMark[]>,
): Promise<{ marked: number; already: number }> {
  let marked = 0;
  let already = 0;
  for (const [dataset, found] of byDataset(search.found)) {
    const known = new Set(
      (journalMarks?.get(dataset) ?? (await readJournal(dataset)).marks)
        .filter((m) => m.mark === 'duplicate')
        .map((m) => `${m.id}>${m.of}`),
    );
    const time = new Date(clock.now()).toISOString();
    const marks: JournalMark[] = [];
    for (const f of found) {
      if (known.has(`${f.id}>${f.of}`)) already++;
      else marks.push({ mark: 'duplicate', id: f.id, of: f.of, similarity: round(f.similarity), threshold: search.threshold, time });
    }
    if (marks.length === 0) continue;
    const writer = await openDataset({ datasetPath: dataset, clock });
    try {
      await writer.appendMarks(marks);
    } finally {
      await writer.close();
    }
    marked += marks.length;
  }
  return { marked, already };
}

export interface DropOutcome {
  dataset: string;
  result: RewriteResult;
}

/**
 * Drops the duplicates from their datasets (write-new-then-rename; see rewrite-dataset.ts). Each gets
 * a `dropped` mark, so later runs skip it instead of making it again from the same request; with
 * `regenerate`, a `regenerate` mark one round past any it had instead, so the next run makes it
 * again with a request it never sent before.
 */
export async function dropDuplicates(search: DuplicateSearch, regenerate: boolean, clock: Clock = systemClock): Promise<DropOutcome[]> {
  const outcomes: DropOutcome[] = [];
  for (const [dataset, found] of byDataset(search.found)) {
    const rounds = new Map<string, number>();
    if (regenerate) {
      for (const m of (await readJournal(dataset)).marks) {
        if (m.mark === 'regenerate')
          rounds.set(`${m.promptHash}:${m.index}`, Math.max(m.round, rounds.get(`${m.promptHash}:${m.index}`) ?? 0));
      }
    }
    const time = new Date(clock.now()).toISOString();
    const marks: JournalMark[] = [];
    for (const f of found) {
      if (f.meta.promptHash === undefined) continue; // written before versions were recorded: no run plans it by version
      const reason = `duplicate of ${f.of} (Jaccard ${round(f.similarity)})`;
      const where = { id: f.id, index: f.meta.index, promptHash: f.meta.promptHash };
      marks.push(
        regenerate
          ? { mark: 'regenerate', ...where, round: (rounds.get(`${f.meta.promptHash}:${f.meta.index}`) ?? 0) + 1, reason, time }
          : { mark: 'dropped', ...where, reason, time },
      );
    }
    const dropped = new Set(found.map((f) => f.id));
    // A conversation made again under its id must be compared anew, not taken for the one dropped
    // (forgotten first: an index that forgot too much only costs a comparison).
    forgetInDedupIndex(dataset, dropped);
    const result = rewriteDataset(dataset, { drop: dropped, marks }, clock);
    outcomes.push({ dataset, result });
  }
  return outcomes;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
