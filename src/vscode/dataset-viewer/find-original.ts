// Where a duplicate's original sits when it is not in the dataset being viewed: a run compares
// its datasets together, so the original may be in a dataset beside it. No vscode import.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { JournalLookup } from '../../core/dataset/viewer/journal-lookup';
import { lineNumberAt } from '../../core/dataset/viewer/read-at';

/** Datasets (not journals or failure logs) beside `file`, without it. */
async function siblings(file: string): Promise<string[]> {
  const dir = dirname(file);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.jsonl') && !/\.(meta|failed)\.jsonl$/.test(n) && n !== basename(file))
    .sort()
    .map((n) => join(dir, n));
}

/** The dataset beside `file` whose journal holds record `id`, and the line it is on. */
export async function findInSiblings(file: string, id: string, signal?: AbortSignal): Promise<{ file: string; line: number } | undefined> {
  for (const other of await siblings(file)) {
    const journal = await JournalLookup.open(other);
    const offset = await journal?.offsetOf(id, signal);
    if (offset !== undefined) return { file: other, line: await lineNumberAt(other, { line: 1, offset: 0 }, offset) };
  }
  return undefined;
}
