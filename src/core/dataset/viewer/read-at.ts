import { open, type FileHandle } from 'node:fs/promises';
import type { LinePosition } from './line-index';

export interface RawLine {
  /** 1-based physical line number. */
  line: number;
  offset: number;
  /** Bytes without the newline. */
  length: number;
  text: string;
}

const CHUNK = 256 * 1024;

/**
 * Reads `count` whole lines starting at line `target`, beginning the walk at `from` (a checkpoint
 * at or before it) and never past `endByte`. Skipped lines are only scanned for newlines; only the
 * lines returned are decoded, so a page costs its own bytes plus at most one checkpoint gap.
 */
export async function readLinesAt(file: string, from: LinePosition, target: number, count: number, endByte: number): Promise<RawLine[]> {
  const handle = await open(file, 'r');
  try {
    return await walk(handle, from, target, count, endByte);
  } finally {
    await handle.close();
  }
}

async function walk(handle: FileHandle, from: LinePosition, target: number, count: number, endByte: number): Promise<RawLine[]> {
  const out: RawLine[] = [];
  let line = from.line;
  let lineStart = from.offset;
  let pos = from.offset;
  let pending: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK);
  while (out.length < count && pos < endByte) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, endByte - pos), pos);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0 && out.length < count; nl = chunk.indexOf(10, from)) {
      if (line >= target) out.push(toLine(line, lineStart, [...pending, chunk.subarray(from, nl)]));
      pending = [];
      lineStart = pos + nl + 1;
      line++;
      from = nl + 1;
    }
    // Copy the tail: the buffer is reused by the next read.
    if (out.length < count && line >= target && from < chunk.length) pending.push(Buffer.from(chunk.subarray(from)));
    pos += bytesRead;
  }
  if (out.length < count && line >= target && pending.length > 0) out.push(toLine(line, lineStart, pending));
  return out;
}

function toLine(line: number, offset: number, parts: Buffer[]): RawLine {
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return { line, offset, length: bytes.length, text: bytes.toString('utf8').replace(/\r$/, '') };
}

/** The 1-based number of the line that starts at byte `offset`, counting newlines from `from` (a line start at or before it). */
export async function lineNumberAt(file: string, from: LinePosition, offset: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let line = from.line;
    for (let pos = from.offset; pos < offset;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, offset - pos), pos);
      if (bytesRead === 0) break;
      for (let nl = buffer.indexOf(10); nl >= 0 && nl < bytesRead; nl = buffer.indexOf(10, nl + 1)) line++;
      pos += bytesRead;
    }
    return line;
  } finally {
    await handle.close();
  }
}

/**
 * The first line that starts at or after byte `offset` (0, or just past a newline); `endByte`
 * when there is none. For a seek to an estimated offset: the line it lands in is skipped whole.
 */
export async function lineStartFrom(file: string, offset: number, endByte: number): Promise<number> {
  if (offset <= 0) return 0;
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    // The byte before `offset` tells whether a line starts exactly there.
    for (let pos = offset - 1; pos < endByte;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, endByte - pos), pos);
      if (bytesRead === 0) break;
      const nl = buffer.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return pos + nl + 1;
      pos += bytesRead;
    }
    return endByte;
  } finally {
    await handle.close();
  }
}

/** Mean bytes per line (newline included) over the file's first 256 KB; 0 when it holds no whole line. */
export async function sampleMeanLineBytes(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size), 0);
    let lines = 0;
    let last = -1;
    for (let nl = buffer.indexOf(10); nl >= 0 && nl < bytesRead; nl = buffer.indexOf(10, nl + 1)) {
      lines++;
      last = nl;
    }
    return lines === 0 ? 0 : (last + 1) / lines;
  } finally {
    await handle.close();
  }
}
