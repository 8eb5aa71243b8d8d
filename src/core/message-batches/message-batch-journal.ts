import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../errors';
import { writeWhole } from '../generate/output/file-io';
import { scanLineLog } from '../generate/output/line-log';
import type { Disposable } from '../queue/typed-emitter';
import { parseJournalLine, type JournalLine } from './journal-entries';
import { JournalState } from './journal-state';

/** `x.jsonl` → `x.message-batches.jsonl`, beside the dataset and its `x.meta.jsonl`. */
export function messageBatchJournalPath(datasetPath: string): string {
  const dataset = path.resolve(datasetPath);
  const ext = path.extname(dataset);
  return `${ext ? dataset.slice(0, -ext.length) : dataset}.message-batches${ext || '.jsonl'}`;
}

/**
 * The Message Batches sidecar of one dataset: append-only, one whole line per write, a torn last
 * line cut on open (like the dataset journal). Lines that must survive a crash before the next step
 * (the intent before `create`, the id after it) are fsynced before the call returns.
 */
export class MessageBatchJournal implements Disposable {
  readonly state = new JournalState();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: fs.promises.FileHandle,
    private size: number,
  ) {}

  /** Opens (creating only when `create`) and folds the sidecar; undefined when it does not exist and `create` is false. */
  static async open(file: string, create = true): Promise<MessageBatchJournal | undefined> {
    if (!create && !fs.existsSync(file)) return undefined;
    const lines: JournalLine[] = [];
    const found = scanLineLog(file, parseJournalLine, (line) => lines.push(line));
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const fh = await fs.promises.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      if (found.size > found.keptBytes) {
        await fh.truncate(found.keptBytes);
        await fh.sync();
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
    const journal = new MessageBatchJournal(file, fh, found.keptBytes);
    for (const line of lines) journal.state.apply(line);
    return journal;
  }

  /** Appends one line (fsynced when `durable`) and folds it into the state once it is written. */
  append(line: JournalLine, durable = false): Promise<void> {
    const step = async () => {
      if (this.closed) throw new ForgeError('output', `${path.basename(this.file)} is closed`);
      const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
      try {
        await writeWhole(this.fh, bytes, this.size);
        if (durable) await this.fh.datasync();
      } catch (err) {
        await this.fh.truncate(this.size).catch(() => undefined);
        throw new ForgeError('output', `cannot write ${path.basename(this.file)}: ${(err as Error).message}`, { cause: err });
      }
      this.size += bytes.length;
      this.state.apply(line);
    };
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain;
    this.closed = true;
    await this.fh.sync().catch(() => undefined);
    await this.fh.close();
  }

  dispose(): void {
    void this.close().catch(() => undefined);
  }
}

/**
 * The sidecar's state without opening it for writing (a run may be appending to it): a torn last
 * line is skipped, never cut. Undefined when there is no sidecar.
 */
export function readMessageBatchJournal(file: string): JournalState | undefined {
  const state = new JournalState();
  const found = scanLineLog(file, parseJournalLine, (line) => state.apply(line));
  return found.exists ? state : undefined;
}
