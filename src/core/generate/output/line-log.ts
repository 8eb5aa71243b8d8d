import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';

const NEWLINE = 0x0a;
const CHUNK = 4 << 20;

export interface LineLog {
  exists: boolean;
  /** Good lines read (each handed to `onEntry`). */
  lines: number;
  /** Bytes up to and including the last good line: the length the file should be cut to. */
  keptBytes: number;
  /** Size of the file as found. */
  size: number;
}

/**
 * Reads a JSONL log that we append to one whole line per write, streamed in chunks: each good
 * entry goes to `onEntry` and nothing is kept, so a journal of a million lines costs a chunk of
 * memory, not a million objects. The only damage a crash can do is at the end: a line without
 * its '\n' (torn write), or a whole but garbled last line (a power loss can leave zeros where the
 * last write was). Both are dropped; anything wrong before that was not made by a crash, so we
 * stop and say where instead of guessing.
 */
export function scanLineLog<T>(
  file: string,
  parse: (value: unknown) => T | undefined,
  onEntry: (entry: T, lineNo: number) => void,
  chunkBytes = CHUNK,
): LineLog {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, lines: 0, keptBytes: 0, size: 0 };
    throw cannotRead(file, err);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, size)));
    let carry: Buffer = Buffer.alloc(0);
    /** File offset of carry[0]. */
    let base = 0;
    let position = 0;
    let lineNo = 0;
    while (position < size) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
      if (n === 0) break;
      position += n;
      const bytes = carry.length === 0 ? chunk.subarray(0, n) : Buffer.concat([carry, chunk.subarray(0, n)]);
      let start = 0;
      for (;;) {
        const end = bytes.indexOf(NEWLINE, start);
        if (end < 0) break;
        lineNo++;
        const entry = parseLine(bytes.subarray(start, end), parse);
        if (entry === undefined) {
          if (base + end === size - 1) return { exists: true, lines: lineNo - 1, keptBytes: base + start, size };
          throw new ForgeError(
            'output',
            `${file} line ${lineNo} (byte ${base + start}) is not a valid entry and is not the last line, so it was not left by a crash. Nothing was changed; inspect the file.`,
          );
        }
        onEntry(entry, lineNo);
        start = end + 1;
      }
      // Copied: the chunk buffer is reused by the next read.
      carry = Buffer.from(bytes.subarray(start));
      base += start;
    }
    // Whatever follows the last newline is a torn write.
    return { exists: true, lines: lineNo, keptBytes: base, size };
  } catch (err) {
    if (err instanceof ForgeError) throw err;
    throw cannotRead(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

function cannotRead(file: string, err: unknown): ForgeError {
  return new ForgeError('output', `cannot read ${path.basename(file)}: ${(err as Error).message}`, { cause: err });
}

function parseLine<T>(line: Buffer, parse: (value: unknown) => T | undefined): T | undefined {
  if (line.length === 0) return undefined;
  try {
    return parse(JSON.parse(line.toString('utf8')));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
