import { createReadStream } from 'node:fs';

export interface DatasetLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Bytes, without the newline. */
  length: number;
  text: string;
}

/**
 * Streams a JSONL file line by line with byte offsets, holding one chunk at a time: a 500 MB
 * dataset never has to fit in memory. A last line without a newline is still yielded.
 */
export async function* readLines(file: string, start = 0): AsyncGenerator<DatasetLine> {
  let line = 0;
  let offset = start;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of createReadStream(file, { start, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const bytes = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
      const length = bytes.length;
      line++;
      yield { line, offset, length, text: bytes.toString('utf8').replace(/\r$/, '') };
      offset += length + 1;
      pending = [];
      pendingBytes = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      pendingBytes += chunk.length - from;
    }
  }
  if (pendingBytes > 0) {
    const bytes = Buffer.concat(pending);
    line++;
    yield { line, offset, length: bytes.length, text: bytes.toString('utf8').replace(/\r$/, '') };
  }
}
