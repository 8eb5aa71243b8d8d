import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { chatMessages } from './export-formats';
import type { ConversationRecord } from './conversation-record';

/** Where one split's rows go. Files appear under their final names only once complete. */
export interface SplitWriter {
  add(row: unknown, record: ConversationRecord): Promise<void>;
  /** Renames the finished files into place; returns their paths. */
  finish(): Promise<string[]>;
  /** Removes anything half-written. */
  abort(): Promise<void>;
}

export class JsonlSplitWriter implements SplitWriter {
  private readonly tmp: string;
  private readonly out: WriteStream;
  private rows = 0;

  constructor(private readonly file: string) {
    this.tmp = `${file}.partial`;
    this.out = createWriteStream(this.tmp);
  }

  async add(row: unknown): Promise<void> {
    this.rows++;
    if (!this.out.write(JSON.stringify(row) + '\n')) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async finish(): Promise<string[]> {
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.rows === 0) {
      await rm(this.tmp, { force: true });
      return [];
    }
    await rename(this.tmp, this.file);
    return [this.file];
  }

  async abort(): Promise<void> {
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }
}

/** The Hugging Face `messages` column: list<struct<role: string, content: string>>. */
const MESSAGES_SCHEMA = [
  { name: 'root', num_children: 1 },
  { name: 'messages', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
] as const;

/**
 * Parquet in shards of `rowsPerShard` rows (`train-00000.parquet`, …, the layout the Hugging Face
 * hub reads), so memory holds one shard, never the whole dataset.
 */
export class ParquetSplitWriter implements SplitWriter {
  private rows: { role: string; content: string }[][] = [];
  private readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly split: string,
    private readonly rowsPerShard = 10_000,
  ) {}

  async add(_row: unknown, record: ConversationRecord): Promise<void> {
    this.rows.push(chatMessages(record));
    if (this.rows.length >= this.rowsPerShard) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const file = path.join(this.dir, `${this.split}-${String(this.written.length).padStart(5, '0')}.parquet.partial`);
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'messages', data: this.rows }], schema: MESSAGES_SCHEMA as never });
    await writeFile(file, new Uint8Array(buffer));
    this.written.push(file);
    this.rows = [];
  }

  async finish(): Promise<string[]> {
    await this.flush();
    const final: string[] = [];
    for (const f of this.written) {
      const target = f.replace(/\.partial$/, '');
      await rename(f, target);
      final.push(target);
    }
    return final;
  }

  async abort(): Promise<void> {
    for (const f of this.written) await rm(f, { force: true });
  }
}
