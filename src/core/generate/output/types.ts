import type { ChatMessage } from '../../api/types';
import type { Clock } from '../../clock';
import type { ErrorKind } from '../../errors';
import type { Usage } from '../../usage';
import type { RejectedOutput } from '../validate/rejected-output';

/**
 * When the writer asks the OS to put bytes on the disk.
 *
 * A `kill -9` can never lose bytes that write(2) accepted: they sit in the page cache and reach the
 * disk without us. Only a power loss or kernel crash can lose what was not fsynced, and the repair
 * on open drops any tear that leaves. So the policy trades throughput for how much a power loss can
 * cost, never for correctness under a crash of this process:
 * - 'always': record fsynced before its journal line is written, journal fsynced before append()
 *   resolves. A power loss loses nothing append() reported; costs two fsyncs per record.
 * - 'batch' (default): both files fsynced at most every `fsyncEveryMs` / `fsyncEveryRecords` and on
 *   close. A power loss can lose the last batch (regenerated on resume); if the OS happened to persist
 *   a journal line before its record, open reports the mismatch instead of guessing.
 * - 'never': leave it to the OS (tests, throwaway runs).
 */
export type FsyncPolicy = 'always' | 'batch' | 'never';

/** What the caller knows about a record; the writer adds where it landed and when. */
export interface RecordMeta {
  id: string;
  index: number;
  sourceFile: string;
  variables: Record<string, string>;
  /** The variation a repeat got (prompt-file/variation.ts); absent on a first pass. */
  variation?: string;
  model: string;
  usage: Usage;
  costUsd: number;
  /** Attempts used, including the successful one. */
  attempts: number;
  /** Batch (prompt file `name`) the record belongs to. Missing in sidecars written before versions were recorded. */
  batch?: string;
  /** PromptFile.promptHash of the version that generated it. Missing in sidecars written before versions were recorded. */
  promptHash?: string;
}

/** One line of `x.meta.jsonl`: the journal. A record is committed once its line is whole. */
export interface JournalEntry extends RecordMeta {
  /** Byte offset of the record's line in the dataset. */
  offset: number;
  /** Byte length of the record's line, including its '\n'. */
  length: number;
  /** ISO 8601. */
  time: string;
  /** Version of Conversation Forge that wrote the record. Missing in sidecars written before it was recorded. */
  forgeVersion?: string;
}

/**
 * A line of the journal that is not a record: what was learned about a committed record later.
 * Appended, never rewritten; a reader that meets one it does not know skips it.
 * - `duplicate`: record `id` duplicates record `of` (Jaccard `similarity` at `threshold`).
 * - `regenerate`: record `id` (conversation `index` of version `promptHash`) was dropped to be made
 *   again; its next request carries regeneration `round`, so it is never the same request twice.
 * - `dropped`: record `id` was dropped for good: runs skip it, as they skip a committed one.
 */
export type JournalMark =
  | { mark: 'duplicate'; id: string; of: string; similarity: number; threshold: number; time: string }
  | { mark: 'regenerate'; id: string; index: number; promptHash: string; round: number; reason: string; time: string }
  | { mark: 'dropped'; id: string; index: number; promptHash: string; reason: string; time: string };

export interface FailureInput {
  id: string;
  index: number;
  sourceFile: string;
  kind: ErrorKind;
  reason: string;
  attempts: number;
  /** The text the last attempt was turned down for (validation failures); kept capped (failed-text.ts). */
  rejected?: RejectedOutput;
}

/** The rejected text as the failures file keeps it: each message capped, with a marker where it was cut. */
export interface KeptRejection {
  messages: ChatMessage[];
  /** The messages are the raw response: it could not be read as messages. */
  raw?: boolean;
  /** The validation rule that failed (ValidationRule; a reader takes any string a newer version may write). */
  rule?: string;
  /** 0-based index of the offending message (may be past the messages kept, see `omittedMessages`). */
  messageIndex?: number;
  /** Messages after the kept ones, not kept. */
  omittedMessages?: number;
}

/**
 * One line of `x.failed.jsonl`. `rejected` is missing in lines written before the text was kept,
 * in failures that never had a text (a timeout), and in the copies the writer keeps in memory.
 */
export interface FailedEntry extends Omit<FailureInput, 'rejected'> {
  /** ISO 8601. */
  time: string;
  rejected?: KeptRejection;
}

/** What open had to cut to get back to the last committed state. */
export interface RepairReport {
  /** Bytes cut from the end of the dataset: a torn line and/or whole records never journaled. */
  droppedDatasetBytes: number;
  /** Whole lines among those bytes (records written but never journaled; regenerated on resume). */
  droppedDatasetLines: number;
  droppedJournalBytes: number;
  droppedFailedBytes: number;
}

export interface DatasetStats {
  /** Records committed in the dataset (from earlier runs and this one). */
  records: number;
  /** Committed bytes of the dataset. */
  bytes: number;
  /** Records appended since open. */
  appended: number;
  /** Ids whose latest outcome is a failure. */
  failed: number;
  repair: RepairReport;
}

export type AppendResult =
  | { status: 'written'; offset: number; length: number }
  /** The id was already committed; nothing was written, so no conversation is ever duplicated. */
  | { status: 'duplicate' };

export interface DatasetWriter {
  readonly datasetPath: string;
  /**
   * Appends one training record and commits it in the journal. Calls are serialized in call order.
   * Rejects with a ForgeError of kind 'output' if the disk refuses; the writer is then unusable.
   */
  append(record: object, meta: RecordMeta): Promise<AppendResult>;
  recordFailure(entry: FailureInput): Promise<void>;
  /** Appends marks to the journal, in order, after every record appended before. */
  appendMarks(marks: readonly JournalMark[]): Promise<void>;
  /** Regeneration rounds recorded for conversations of `promptHash`, by index. A copy. */
  regenerationsOf(promptHash: string): Map<number, number>;
  /** Indexes of conversations of `promptHash` dropped for good. A copy. */
  droppedOf(promptHash: string): Set<number>;
  /** Ids committed in the dataset. A copy: for a resume scan of a large dataset use isDone. */
  doneIds(): Set<string>;
  /** Whether `id` is committed in the dataset. */
  isDone(id: string): boolean;
  /** Committed records of `batch`, counted per promptHash (records that carry both). A copy. */
  versionsOf(batch: string): Map<string, number>;
  /** Committed records written from the prompt file `sourceFile`, counted per batch (records that carry one). A copy. */
  batchesFrom(sourceFile: string): Map<string, number>;
  /** Committed records whose journal line carries no batch or promptHash (older sidecars). A copy. */
  unversioned(): Pick<JournalEntry, 'id' | 'sourceFile'>[];
  /** Latest failure per id, leaving out ids that were later committed, without the rejected text. A copy. */
  failed(): Map<string, FailedEntry>;
  stats(): DatasetStats;
  /** Waits for pending appends, fsyncs (unless 'never'), closes files, releases the lock. */
  close(): Promise<void>;
  dispose(): void;
}

export interface OpenDatasetOptions {
  datasetPath: string;
  clock?: Clock;
  fsync?: FsyncPolicy;
  /** 'batch' only: fsync at most this long after a write. Default 1000. */
  fsyncEveryMs?: number;
  /** 'batch' only: fsync after this many records. Default 200. */
  fsyncEveryRecords?: number;
}
