import type { JournalMark } from './types';

/**
 * What the journal's marks say about conversations a run plans, per prompt version and index: the
 * regeneration round to send (a `regenerate` mark), or dropped for good (a `dropped` mark). Marks
 * are read in journal order, so the latest word on a conversation wins.
 */
export class MarkIndex {
  /** Round by index per version; -1: dropped. */
  private readonly byVersion = new Map<string, Map<number, number>>();

  note(m: JournalMark): void {
    if (m.mark === 'duplicate') return;
    const byIndex = this.byVersion.get(m.promptHash) ?? new Map<number, number>();
    byIndex.set(m.index, m.mark === 'dropped' ? -1 : Math.max(m.round, byIndex.get(m.index) ?? 0));
    this.byVersion.set(m.promptHash, byIndex);
  }

  /** Regeneration rounds of `promptHash`'s conversations, by index. A copy. */
  regenerationsOf(promptHash: string): Map<number, number> {
    return new Map([...(this.byVersion.get(promptHash) ?? [])].filter(([, round]) => round > 0));
  }

  /** Indexes of `promptHash`'s conversations dropped for good. A copy. */
  droppedOf(promptHash: string): Set<number> {
    return new Set([...(this.byVersion.get(promptHash) ?? [])].filter(([, round]) => round < 0).map(([index]) => index));
  }
}
