import * as fs from 'node:fs';
import type { Clock } from '../../clock';
import { ForgeError } from '../../errors';
import { writeWhole } from './file-io';
import { FsyncBatcher } from './fsync-batcher';
import { failedEntryOf, ID_PATTERN, journalEntryOf, withoutText } from './journal';
import type { DatasetLock } from './lock-file';
import type { DatasetFiles } from './paths';
import type {
  AppendResult,
  DatasetStats,
  DatasetWriter,
  FailedEntry,
  FailureInput,
  FsyncPolicy,
  JournalEntry,
  JournalMark,
  OpenDatasetOptions,
  RecordMeta,
  RepairReport,
} from './types';
import type { VersionIndex } from './version-index';
import type { MarkIndex } from './mark-index';
import { invalidOption } from '../../validate';
import type { IdSet } from './id-set';

type FileHandle = fs.promises.FileHandle;
const OPEN_RW_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;

/** What opening found on disk (dataset-writer.ts): the writer carries on from it. */
export interface InitialState {
  /** What the journal's marks say about conversations to plan. */
  marks: MarkIndex;
  done: IdSet;
  versions: VersionIndex;
  failures: Map<string, FailedEntry>;
  dataSize: number;
  journalSize: number;
  failedSize: number;
  repair: RepairReport;
}

/**
 * The open writer of one dataset: appends records and failures in call order under the commit
 * protocol that dataset-writer.ts describes, and cuts back to the last commit when a write fails.
 */
export class JournaledDatasetWriter implements DatasetWriter {
  readonly datasetPath: string;
  private state: 'open' | 'closing' | 'closed' | 'broken' = 'open';
  private brokenError: ForgeError | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private failedFh: FileHandle | undefined;
  private readonly done: IdSet;
  private readonly versions: VersionIndex;
  private readonly failures: Map<string, FailedEntry>;
  private readonly marks: MarkIndex;
  private readonly batcher: FsyncBatcher | undefined;
  private dataSize: number;
  private journalSize: number;
  private failedSize: number;
  private appended = 0;
  private readonly repair: RepairReport;

  constructor(
    private readonly files: DatasetFiles,
    private readonly clock: Clock,
    private readonly policy: FsyncPolicy,
    options: OpenDatasetOptions,
    private readonly lock: DatasetLock,
    private readonly dataFh: FileHandle,
    private readonly journalFh: FileHandle,
    initial: InitialState,
  ) {
    this.datasetPath = files.dataset;
    this.done = initial.done;
    this.versions = initial.versions;
    this.failures = initial.failures;
    this.marks = initial.marks;
    this.dataSize = initial.dataSize;
    this.journalSize = initial.journalSize;
    this.failedSize = initial.failedSize;
    this.repair = initial.repair;
    if (policy === 'batch') {
      this.batcher = new FsyncBatcher(clock, options.fsyncEveryMs ?? 1000, options.fsyncEveryRecords ?? 200, () => {
        this.enqueue(() => this.syncAll()).catch(() => undefined); // a failure marks the writer broken
      });
    }
  }

  append(record: object, meta: RecordMeta): Promise<AppendResult> {
    const refused = this.refuse();
    if (refused) return Promise.reject(refused);
    if (!ID_PATTERN.test(meta.id)) {
      return Promise.reject(invalidOption('meta.id', `a string matching ${ID_PATTERN}`, meta.id));
    }
    // JSON.stringify escapes every newline inside strings, so this is exactly one line.
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    if (line[0] !== 0x7b) return Promise.reject(invalidOption('record', 'a plain object', record));
    return this.enqueue(() => this.writeRecord(line, meta));
  }

  recordFailure(input: FailureInput): Promise<void> {
    const refused = this.refuse();
    if (refused) return Promise.reject(refused);
    return this.enqueue(() => this.writeFailure(input));
  }

  appendMarks(marks: readonly JournalMark[]): Promise<void> {
    const refused = this.refuse();
    if (refused) return Promise.reject(refused);
    if (marks.length === 0) return Promise.resolve();
    return this.enqueue(() => this.writeMarks(marks));
  }

  regenerationsOf(promptHash: string): Map<number, number> {
    return this.marks.regenerationsOf(promptHash);
  }

  droppedOf(promptHash: string): Set<number> {
    return this.marks.droppedOf(promptHash);
  }

  doneIds(): Set<string> {
    return new Set(this.done);
  }

  isDone(id: string): boolean {
    return this.done.has(id);
  }

  versionsOf(batch: string): Map<string, number> {
    return this.versions.versionsOf(batch);
  }

  batchesFrom(sourceFile: string): Map<string, number> {
    return this.versions.batchesFrom(sourceFile);
  }

  unversioned(): Pick<JournalEntry, 'id' | 'sourceFile'>[] {
    return this.versions.unversioned();
  }

  failed(): Map<string, FailedEntry> {
    const out = new Map<string, FailedEntry>();
    for (const [id, entry] of this.failures) if (!this.done.has(id)) out.set(id, entry);
    return out;
  }

  stats(): DatasetStats {
    return {
      records: this.done.size,
      bytes: this.dataSize,
      appended: this.appended,
      failed: this.failed().size,
      repair: { ...this.repair },
    };
  }

  close(): Promise<void> {
    if (!this.closing) {
      if (this.state === 'open') this.state = 'closing';
      this.closing = this.enqueue(() => this.shutdown());
    }
    return this.closing;
  }

  dispose(): void {
    this.close().catch(() => undefined);
  }

  private refuse(): Error | undefined {
    if (this.state === 'broken') return this.brokenError;
    if (this.state !== 'open') return new ForgeError('output', `${this.files.dataset} is closed`);
    return undefined;
  }

  /** One writer, in call order: each step starts after the previous one settled. */
  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeRecord(line: Buffer, meta: RecordMeta): Promise<AppendResult> {
    if (this.brokenError) throw this.brokenError;
    if (this.done.has(meta.id)) return { status: 'duplicate' };
    const offset = this.dataSize;
    const entry = journalEntryOf(meta, offset, line.length, this.clock.now());
    const journalLine = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    try {
      await writeWhole(this.dataFh, line, offset);
      if (this.policy === 'always') await this.dataFh.datasync();
      await writeWhole(this.journalFh, journalLine, this.journalSize);
      if (this.policy === 'always') await this.journalFh.datasync();
    } catch (err) {
      throw await this.breakDown(err, `record ${meta.id}`);
    }
    this.dataSize += line.length;
    this.journalSize += journalLine.length;
    this.commit(entry);
    this.failures.delete(meta.id);
    this.appended++;
    if (this.batcher?.noteWrite()) await this.syncAll();
    return { status: 'written', offset, length: line.length };
  }

  private commit(entry: JournalEntry): void {
    this.done.add(entry.id);
    this.versions.add(entry);
  }

  private async writeMarks(marks: readonly JournalMark[]): Promise<void> {
    if (this.brokenError) throw this.brokenError;
    // One write for all: a crash leaves a whole prefix of them and at most one torn line, which open drops.
    const bytes = Buffer.from(marks.map((m) => `${JSON.stringify(m)}\n`).join(''), 'utf8');
    try {
      await writeWhole(this.journalFh, bytes, this.journalSize);
      if (this.policy !== 'never') await this.journalFh.datasync();
    } catch (err) {
      throw await this.breakDown(err, 'marks');
    }
    this.journalSize += bytes.length;
    for (const m of marks) this.marks.note(m);
  }

  private async writeFailure(input: FailureInput): Promise<void> {
    if (this.brokenError) throw this.brokenError;
    const entry = failedEntryOf(input, this.clock.now());
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    try {
      this.failedFh ??= await fs.promises.open(this.files.failed, OPEN_RW_CREATE, 0o644);
      await writeWhole(this.failedFh, bytes, this.failedSize);
      if (this.policy === 'always') await this.failedFh.datasync();
    } catch (err) {
      throw await this.breakDown(err, `failure of ${input.id}`);
    }
    this.failedSize += bytes.length;
    this.failures.set(entry.id, withoutText(entry));
    if (this.batcher?.noteWrite()) await this.syncAll();
  }

  private async syncAll(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      // Dataset before journal, so a power loss is less likely to keep a journal line whose record it lost.
      await this.dataFh.datasync();
      await this.journalFh.datasync();
      await this.failedFh?.datasync();
    } catch (err) {
      throw await this.breakDown(err, 'fsync');
    }
    this.batcher?.noteSynced();
  }

  /**
   * After a failed or short write the files may hold a partial line. Cut them back to the last
   * committed length (best effort: open repairs it anyway) and refuse further work, so nothing is
   * ever written after a hole.
   */
  private async breakDown(err: unknown, what: string): Promise<ForgeError> {
    await Promise.allSettled([
      this.dataFh.truncate(this.dataSize),
      this.journalFh.truncate(this.journalSize),
      ...(this.failedFh ? [this.failedFh.truncate(this.failedSize)] : []),
    ]);
    this.state = 'broken';
    this.brokenError = new ForgeError('output', `cannot write ${what} to ${this.files.dataset}: ${(err as Error).message}`, {
      cause: err,
    });
    return this.brokenError;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'closed') return;
    this.batcher?.dispose();
    try {
      if (this.policy !== 'never' && !this.brokenError) await this.syncAll();
    } finally {
      await Promise.allSettled([this.dataFh.close(), this.journalFh.close(), ...(this.failedFh ? [this.failedFh.close()] : [])]);
      this.state = 'closed';
      this.lock.release();
    }
  }
}
