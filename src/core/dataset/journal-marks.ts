import type { JournalMark } from '../generate/output/types';

/** What the journal says of a record that was found to duplicate another. */
export interface DuplicateMarkOf {
  of: string;
  similarity: number;
  threshold: number;
}

export interface MarkCounts {
  /** Records marked as duplicates (by the marking after a run, or `convforge dedup`). */
  duplicates: number;
  /** Records dropped for good (`dedup --drop`): no longer in the dataset. */
  dropped: number;
  /** Records dropped to be made again (`dedup --regenerate`), each counted once whatever its rounds. */
  regenerate: number;
}

/**
 * A journal's marks folded by record id: the one reading of them that `report`, `export` and the
 * viewer share, so a flag means the same everywhere. Marks are few (one per duplicate found), so
 * they are held whole.
 *
 * A `duplicate` mark names a record in the dataset; a drop rewrite removes the record and its
 * duplicate marks together and leaves a `dropped` or `regenerate` mark, so a `regenerate` mark whose
 * id is in the dataset means that record is the one made again.
 */
export class JournalMarks {
  private readonly duplicates = new Map<string, DuplicateMarkOf>();
  private readonly rounds = new Map<string, number>();
  private readonly droppedIds = new Set<string>();

  static of(marks: Iterable<JournalMark>): JournalMarks {
    const m = new JournalMarks();
    for (const mark of marks) m.add(mark);
    return m;
  }

  add(mark: JournalMark): void {
    if (mark.mark === 'duplicate') this.duplicates.set(mark.id, { of: mark.of, similarity: mark.similarity, threshold: mark.threshold });
    else if (mark.mark === 'regenerate') this.rounds.set(mark.id, Math.max(mark.round, this.rounds.get(mark.id) ?? 0));
    else this.droppedIds.add(mark.id);
  }

  duplicateOf(id: string | undefined): DuplicateMarkOf | undefined {
    return id === undefined ? undefined : this.duplicates.get(id);
  }

  /** The latest regeneration round of `id`, when it was dropped to be made again. */
  regenerationRound(id: string | undefined): number | undefined {
    return id === undefined ? undefined : this.rounds.get(id);
  }

  counts(): MarkCounts {
    return { duplicates: this.duplicates.size, dropped: this.droppedIds.size, regenerate: this.rounds.size };
  }

  get empty(): boolean {
    return this.duplicates.size === 0 && this.rounds.size === 0 && this.droppedIds.size === 0;
  }
}
