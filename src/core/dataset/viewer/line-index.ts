import { createReadStream } from 'node:fs';
import { yieldToEventLoop } from './yield';

/** Every this many lines the index keeps one byte offset: 200,000 lines cost ~800 numbers. */
export const CHECKPOINT_EVERY = 256;

export interface IndexProgress {
  lines: number;
  bytes: number;
  totalBytes: number;
}

export interface IndexOptions {
  signal?: AbortSignal;
  /** Called about every 8 MB and once at the end. */
  onProgress?: (p: IndexProgress) => void;
  /** Bytes to index (the file's size when opened); later appends are not the snapshot being viewed. */
  totalBytes: number;
}

/** Where a line starts: 1-based line number and byte offset. */
export interface LinePosition {
  line: number;
  offset: number;
}

/**
 * A sparse line-offset index of a JSONL file, built by streaming it once for newlines (no decoding,
 * no parsing, one chunk in memory). Lines are physical lines, 1-based, as an editor counts them;
 * a last line without a newline counts, an empty tail after the last newline does not.
 * Until `complete`, the lines indexed so far can already be paged.
 */
export class LineIndex {
  /** checkpoints[k] = byte offset of line k * CHECKPOINT_EVERY + 1. */
  private readonly checkpoints: number[] = [0];
  private lineCount = 0;
  private indexedBytes = 0;
  private done = false;

  get lines(): number {
    return this.lineCount;
  }

  get bytes(): number {
    return this.indexedBytes;
  }

  get complete(): boolean {
    return this.done;
  }

  /** The nearest checkpoint at or before `line` (1-based). */
  checkpointFor(line: number): LinePosition {
    const k = Math.min(Math.floor((Math.max(1, line) - 1) / CHECKPOINT_EVERY), this.checkpoints.length - 1);
    return { line: k * CHECKPOINT_EVERY + 1, offset: this.checkpoints[k]! };
  }

  /** The nearest checkpoint at or before byte `offset` (the start of a line). */
  checkpointAtOffset(offset: number): LinePosition {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.checkpoints[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo * CHECKPOINT_EVERY + 1, offset: this.checkpoints[lo]! };
  }

  /** Streams the file once; resolves with the finished index, rejects with an AbortError when aborted. */
  async build(file: string, options: IndexOptions): Promise<this> {
    const { signal, onProgress, totalBytes } = options;
    let offset = 0;
    let lines = 0;
    let pendingTail = false;
    let nextReport = 8 << 20;
    if (totalBytes > 0) {
      const stream = createReadStream(file, { start: 0, end: totalBytes - 1, highWaterMark: 1 << 20 });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        signal?.throwIfAborted();
        for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, nl + 1)) {
          lines++;
          if (lines % CHECKPOINT_EVERY === 0) this.checkpoints.push(offset + nl + 1);
        }
        pendingTail = chunk[chunk.length - 1] !== 10;
        offset += chunk.length;
        // Publish whole lines only, so a page request never sees a half-counted line.
        this.lineCount = lines;
        this.indexedBytes = offset;
        if (offset >= nextReport) {
          nextReport = offset + (8 << 20);
          onProgress?.({ lines, bytes: offset, totalBytes });
        }
        await yieldToEventLoop();
      }
    }
    if (pendingTail) lines++;
    this.lineCount = lines;
    this.indexedBytes = offset;
    this.done = true;
    onProgress?.({ lines, bytes: offset, totalBytes });
    return this;
  }
}
