import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { parseFailedEntry, parseJournalLine } from './journal';
import { scanLineLog, type LineLog } from './line-log';
import type { DatasetFiles } from './paths';
import type { FailedEntry, JournalEntry, JournalMark } from './types';

const NEWLINE = 0x0a;
const CHUNK = 4 << 20;
/**
 * Records ending this close to the end of the dataset are parsed whole; earlier ones get the
 * structural check (one line, braces at both ends), which catches any edit that moves bytes. Damage
 * a crash or power loss can do is at the end; parsing every record made resume of a million-record
 * dataset spend seconds in JSON.parse.
 */
const FULL_CHECK_BYTES = 4 << 20;

/** What is on disk and what must be cut to get back to the last committed state. Read only. */
export interface DatasetInspection {
  journal: LineLog;
  failed: LineLog;
  datasetSize: number;
  /** End of the last journaled record: everything after it was never committed. */
  committedBytes: number;
  /** Whole lines in the uncommitted tail (records written but never journaled). */
  tailLines: number;
}

/** Where inspection hands what it reads, one entry at a time; it keeps none of them. */
export interface InspectionSink {
  /** A committed record's journal entry, in journal order; false when its id was already committed. */
  committed(entry: JournalEntry): boolean;
  failed(entry: FailedEntry): void;
  /** A mark line, in journal order. */
  mark?(mark: JournalMark): void;
}

/**
 * Works out the committed state of a dataset in one streamed pass over the journal and one over
 * the dataset, so its memory does not grow with the number of records; the entries go to `sink`.
 * Throws a ForgeError of kind 'output', naming the file and the problem, whenever the files
 * disagree in a way a crash of our own writer cannot explain.
 */
export function inspectDataset(files: DatasetFiles, sink: InspectionSink): DatasetInspection {
  const datasetSize = sizeOf(files.dataset);
  const name = path.basename(files.dataset);
  const journalName = path.basename(files.journal);
  if (datasetSize > 0 && !fs.existsSync(files.journal)) {
    throw new ForgeError(
      'output',
      `${files.dataset} already exists and has no ${journalName} beside it, so Conversation Forge did not write it; refusing to append to a file it does not own. Move it away or choose another output path.`,
    );
  }

  let committedBytes = 0;
  let overrun = false;
  const records = new RecordReader(files.dataset, datasetSize);
  try {
    const journal = scanLineLog(files.journal, parseJournalLine, (l, line) => {
      if (l.kind === 'mark') return sink.mark?.(l.mark);
      const e = l.entry;
      if (e.offset !== committedBytes) {
        throw new ForgeError(
          'output',
          `${files.journal} line ${line}: record ${e.id} is at byte ${e.offset} of ${name} but the previous record ends at byte ${committedBytes}. The journal does not match the dataset; nothing was changed.`,
        );
      }
      if (!sink.committed(e)) {
        throw new ForgeError(
          'output',
          `${files.journal} line ${line}: id ${e.id} is journaled twice. Nothing was changed; inspect the file.`,
        );
      }
      committedBytes += e.length;
      // Past the end of the dataset: reported below with the whole journal's count.
      if (committedBytes > datasetSize) overrun = true;
      else records.verify(e, datasetSize - committedBytes < FULL_CHECK_BYTES);
    });
    if (overrun) {
      throw new ForgeError(
        'output',
        `${files.dataset} is ${datasetSize} bytes but ${journalName} commits ${journal.lines} records ending at byte ${committedBytes}: committed records are missing (was the file edited or cut, or lost to a power failure?). Nothing was changed; restore the file, or move both files away to start over.`,
      );
    }
    const tailLines = datasetSize > committedBytes ? countNewlines(files.dataset, committedBytes, datasetSize) : 0;
    const failed = scanLineLog(files.failed, parseFailedEntry, (f) => sink.failed(f));
    return { journal, failed, datasetSize, committedBytes, tailLines };
  } finally {
    records.close();
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new ForgeError('output', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Every committed record must still be one whole JSON line exactly where the journal says. Reads
 * the dataset front to back in chunks as the journal goes, so only a chunk is held at a time.
 */
class RecordReader {
  private fd: number | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private pendingStart = 0;
  private position = 0;
  private readonly chunk: Buffer;

  constructor(
    private readonly file: string,
    size: number,
  ) {
    this.chunk = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size)));
  }

  verify(e: JournalEntry, parse: boolean): void {
    this.fd ??= fs.openSync(this.file, 'r');
    const end = e.offset + e.length;
    while (this.pendingStart + this.pending.length < end) {
      const n = fs.readSync(this.fd, this.chunk, 0, this.chunk.length, this.position);
      if (n === 0) break;
      this.position += n;
      this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, n)]);
    }
    const bytes = this.pending.subarray(e.offset - this.pendingStart, end - this.pendingStart);
    if (!isWholeJsonLine(bytes, e.length, parse)) {
      throw new ForgeError(
        'output',
        `${this.file}: record ${e.id} at byte ${e.offset} (${e.length} bytes, per the journal) is not one whole JSON line. The dataset was changed after it was written; nothing was changed now. Inspect the file.`,
      );
    }
    this.pending = this.pending.subarray(end - this.pendingStart);
    this.pendingStart = end;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function isWholeJsonLine(bytes: Buffer, length: number, parse: boolean): boolean {
  if (bytes.length !== length || bytes[length - 1] !== NEWLINE) return false;
  if (bytes.indexOf(NEWLINE) !== length - 1) return false;
  // '{' ... '}' then the newline (JSON.stringify output: no whitespace around the object).
  if (bytes[0] !== 0x7b || bytes[length - 2] !== 0x7d) return false;
  if (!parse) return true;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function countNewlines(file: string, from: number, to: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, to - from));
    let count = 0;
    for (let pos = from; pos < to;) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (chunk[i] === NEWLINE) count++;
      pos += n;
    }
    return count;
  } finally {
    fs.closeSync(fd);
  }
}
