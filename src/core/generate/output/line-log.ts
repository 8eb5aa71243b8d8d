import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';

const NEWLINE = 0x0a;

export interface LineLog<T> {
  exists: boolean;
  entries: T[];
  /** Bytes up to and including the last good line: the length the file should be cut to. */
  keptBytes: number;
  /** Size of the file as found. */
  size: number;
}

/**
 * Reads a JSONL log that we append to one whole line per write. The only damage a crash can do is
 * at the end: a line without its '\n' (torn write), or a whole but garbled last line (a power loss
 * can leave zeros where the last write was). Both are dropped; anything wrong before that was not
 * made by a crash, so we stop and say where instead of guessing.
 */
export function readLineLog<T>(file: string, parse: (value: unknown) => T | undefined): LineLog<T> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, entries: [], keptBytes: 0, size: 0 };
    throw new ForgeError('output', `cannot read ${path.basename(file)}: ${(err as Error).message}`, { cause: err });
  }
  const entries: T[] = [];
  let start = 0;
  let lineNo = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end < 0) break;
    lineNo++;
    const entry = parseLine(bytes.subarray(start, end), parse);
    if (entry === undefined) {
      const isLast = end === bytes.length - 1;
      if (isLast) break;
      throw new ForgeError(
        'output',
        `${file} line ${lineNo} (byte ${start}) is not a valid entry and is not the last line, so it was not left by a crash. Nothing was changed; inspect the file.`,
      );
    }
    entries.push(entry);
    start = end + 1;
  }
  return { exists: true, entries, keptBytes: start, size: bytes.length };
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
