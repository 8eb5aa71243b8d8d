import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { parseFailedEntry, parseJournalEntry } from './journal';
import { readLineLog, type LineLog } from './line-log';
import type { DatasetFiles } from './paths';
import type { FailedEntry, JournalEntry } from './types';

const NEWLINE = 0x0a;
const CHUNK = 4 << 20;

/** What is on disk and what must be cut to get back to the last committed state. Read only. */
export interface DatasetInspection {
  journal: LineLog<JournalEntry>;
  failed: LineLog<FailedEntry>;
  datasetSize: number;
  /** End of the last journaled record: everything after it was never committed. */
  committedBytes: number;
  /** Whole lines in the uncommitted tail (records written but never journaled). */
  tailLines: number;
}

/**
 * Works out the committed state of a dataset. Throws a ForgeError of kind 'output', naming the file
 * and the problem, whenever the files disagree in a way a crash of our own writer cannot explain.
 */
export function inspectDataset(files: DatasetFiles): DatasetInspection {
  const datasetSize = sizeOf(files.dataset);
  const journal = readLineLog(files.journal, parseJournalEntry);
  const name = path.basename(files.dataset);
  const journalName = path.basename(files.journal);

  if (!journal.exists && datasetSize > 0) {
    throw new ForgeError(
      'output',
      `${files.dataset} already exists and has no ${journalName} beside it, so Conversation Forge did not write it; refusing to append to a file it does not own. Move it away or choose another output path.`,
    );
  }

  let committedBytes = 0;
  const seen = new Set<string>();
  journal.entries.forEach((e, i) => {
    if (e.offset !== committedBytes) {
      throw new ForgeError(
        'output',
        `${files.journal} line ${i + 1}: record ${e.id} is at byte ${e.offset} of ${name} but the previous record ends at byte ${committedBytes}. The journal does not match the dataset; nothing was changed.`,
      );
    }
    if (seen.has(e.id)) {
      throw new ForgeError('output', `${files.journal} line ${i + 1}: id ${e.id} is journaled twice. Nothing was changed; inspect the file.`);
    }
    seen.add(e.id);
    committedBytes += e.length;
  });

  if (datasetSize < committedBytes) {
    throw new ForgeError(
      'output',
      `${files.dataset} is ${datasetSize} bytes but ${journalName} commits ${journal.entries.length} records ending at byte ${committedBytes}: committed records are missing (was the file edited or cut, or lost to a power failure?). Nothing was changed; restore the file, or move both files away to start over.`,
    );
  }
  verifyRecords(files.dataset, journal.entries);
  const tailLines = datasetSize > committedBytes ? countNewlines(files.dataset, committedBytes, datasetSize) : 0;
  const failed = readLineLog(files.failed, parseFailedEntry);
  return { journal, failed, datasetSize, committedBytes, tailLines };
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new ForgeError('output', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Every committed record must still be one whole JSON line exactly where the journal says. */
function verifyRecords(file: string, entries: readonly JournalEntry[]): void {
  if (entries.length === 0) return;
  const fd = fs.openSync(file, 'r');
  try {
    let pending = Buffer.alloc(0);
    let pendingStart = 0;
    let position = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (const e of entries) {
      const end = e.offset + e.length;
      while (pendingStart + pending.length < end) {
        const n = fs.readSync(fd, chunk, 0, CHUNK, position);
        if (n === 0) break;
        position += n;
        pending = Buffer.concat([pending, chunk.subarray(0, n)]);
      }
      const bytes = pending.subarray(e.offset - pendingStart, end - pendingStart);
      if (!isWholeJsonLine(bytes, e.length)) {
        throw new ForgeError(
          'output',
          `${file}: record ${e.id} at byte ${e.offset} (${e.length} bytes, per the journal) is not one whole JSON line. The dataset was changed after it was written; nothing was changed now. Inspect the file.`,
        );
      }
      pending = pending.subarray(end - pendingStart);
      pendingStart = end;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function isWholeJsonLine(bytes: Buffer, length: number): boolean {
  if (bytes.length !== length || bytes[length - 1] !== NEWLINE) return false;
  if (bytes.indexOf(NEWLINE) !== length - 1) return false;
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
    for (let pos = from; pos < to; ) {
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
