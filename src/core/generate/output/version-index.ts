import type { JournalEntry } from './types';

type Unversioned = Pick<JournalEntry, 'id' | 'sourceFile'>;

/**
 * Which prompt versions a dataset holds: committed records per batch and promptHash, and the
 * records from older sidecars that carry neither (the caller decides which batch they belong to).
 */
export class VersionIndex {
  private readonly counts = new Map<string, Map<string, number>>();
  /** sourceFile -> batch -> committed records. */
  private readonly bySource = new Map<string, Map<string, number>>();
  private readonly legacy: Unversioned[] = [];

  add(entry: JournalEntry): void {
    if (entry.batch === undefined || entry.promptHash === undefined) {
      this.legacy.push({ id: entry.id, sourceFile: entry.sourceFile });
      return;
    }
    let counts = this.counts.get(entry.batch);
    if (!counts) this.counts.set(entry.batch, (counts = new Map()));
    counts.set(entry.promptHash, (counts.get(entry.promptHash) ?? 0) + 1);
    let batches = this.bySource.get(entry.sourceFile);
    if (!batches) this.bySource.set(entry.sourceFile, (batches = new Map()));
    batches.set(entry.batch, (batches.get(entry.batch) ?? 0) + 1);
  }

  versionsOf(batch: string): Map<string, number> {
    return new Map(this.counts.get(batch));
  }

  batchesFrom(sourceFile: string): Map<string, number> {
    return new Map(this.bySource.get(sourceFile));
  }

  unversioned(): Unversioned[] {
    return this.legacy.map((e) => ({ ...e }));
  }
}
