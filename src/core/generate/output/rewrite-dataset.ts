import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../../clock';
import { ForgeError } from '../../errors';
import { syncDirectory } from './file-io';
import { inspectDataset } from './inspect';
import { parseJournalLine } from './journal';
import { scanLineLog } from './line-log';
import { acquireLock } from './lock-file';
import { datasetFiles, type DatasetFiles } from './paths';
import type { JournalEntry, JournalMark } from './types';

/**
 * Rewriting a dataset without some of its records. Both files are written new beside the old ones;
 * an intent file, written once both are complete and durable, says "the new ones win". Then the
 * journal and the dataset are renamed over the old ones and the intent removed. A crash before the
 * intent leaves the old pair (the temporaries are deleted on the next open); a crash after it is
 * rolled forward by the next open (finishRewrite): never one new file with the other old.
 */
function rewriteFiles(files: DatasetFiles) {
  return {
    intent: `${files.dataset}.rewrite`,
    dataset: `${files.dataset}.rewrite-new`,
    journal: `${files.journal}.rewrite-new`,
  };
}

/** Completes or discards an interrupted rewrite. Call with the dataset's lock held. */
export function finishRewrite(files: DatasetFiles): void {
  const t = rewriteFiles(files);
  if (fs.existsSync(t.intent)) {
    if (fs.existsSync(t.journal)) fs.renameSync(t.journal, files.journal);
    if (fs.existsSync(t.dataset)) fs.renameSync(t.dataset, files.dataset);
    syncDirectory(path.dirname(files.dataset));
    fs.rmSync(t.intent, { force: true });
  } else {
    fs.rmSync(t.journal, { force: true });
    fs.rmSync(t.dataset, { force: true });
  }
}

export interface RewritePlan {
  /** Ids of committed records to leave out. */
  drop: ReadonlySet<string>;
  /** Marks to append to the new journal (after the records). */
  marks?: readonly JournalMark[];
}

export interface RewriteResult {
  kept: number;
  dropped: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Crash points for tests: the rewrite throws there, as a kill would stop it. */
export type RewriteStop = 'before-intent' | 'after-intent' | 'between-renames';

/**
 * Copies the committed records not in `plan.drop` to a new dataset, with a new journal whose offsets
 * follow the new positions; regenerate and dropped marks, and the marks of kept records, stay. Holds the
 * dataset's lock throughout, so no run writes it meanwhile. Streams: memory does not grow with size.
 */
export function rewriteDataset(datasetPath: string, plan: RewritePlan, clock: Clock = systemClock, stopAt?: RewriteStop): RewriteResult {
  const files = datasetFiles(datasetPath);
  const lock = acquireLock(files.lock, clock.now());
  try {
    finishRewrite(files);
    // Refuses (with the reason) a dataset whose journal does not match it, before anything is written.
    const found = inspectDataset(files, { committed: () => true, failed: () => undefined });
    const t = rewriteFiles(files);
    const source = fs.openSync(files.dataset, 'r');
    const out = { data: fs.openSync(t.dataset, 'w', 0o644), journal: fs.openSync(t.journal, 'w', 0o644) };
    const result: RewriteResult = { kept: 0, dropped: 0, bytesBefore: found.committedBytes, bytesAfter: 0 };
    try {
      const data = new BufferedOut(out.data);
      const journal = new BufferedOut(out.journal);
      const seen = new Set<string>();
      scanLineLog(files.journal, parseJournalLine, (l) => {
        if (l.kind === 'mark') {
          if (l.mark.mark !== 'duplicate' || !plan.drop.has(l.mark.id)) journal.write(Buffer.from(`${JSON.stringify(l.mark)}\n`));
          return;
        }
        const e = l.entry;
        if (seen.has(e.id)) return;
        seen.add(e.id);
        if (plan.drop.has(e.id)) {
          result.dropped++;
          return;
        }
        const record = Buffer.allocUnsafe(e.length);
        if (fs.readSync(source, record, 0, e.length, e.offset) !== e.length) {
          throw new ForgeError('output', `${files.dataset}: record ${e.id} at byte ${e.offset} is cut short; nothing was changed`);
        }
        const moved: JournalEntry = { ...e, offset: result.bytesAfter };
        data.write(record);
        journal.write(Buffer.from(`${JSON.stringify(moved)}\n`));
        result.bytesAfter += e.length;
        result.kept++;
      });
      for (const m of plan.marks ?? []) journal.write(Buffer.from(`${JSON.stringify(m)}\n`));
      data.flush();
      journal.flush();
      fs.fsyncSync(out.data);
      fs.fsyncSync(out.journal);
    } finally {
      fs.closeSync(source);
      fs.closeSync(out.data);
      fs.closeSync(out.journal);
    }
    if (stopAt === 'before-intent') throw new Error('stopped before the intent (test)');
    const intent = fs.openSync(t.intent, 'w', 0o644);
    try {
      fs.writeSync(intent, `${JSON.stringify({ dataset: path.basename(t.dataset), journal: path.basename(t.journal) })}\n`);
      fs.fsyncSync(intent);
    } finally {
      fs.closeSync(intent);
    }
    syncDirectory(path.dirname(files.dataset));
    if (stopAt === 'after-intent') throw new Error('stopped after the intent (test)');
    fs.renameSync(t.journal, files.journal);
    if (stopAt === 'between-renames') throw new Error('stopped between the renames (test)');
    finishRewrite(files);
    return result;
  } finally {
    lock.release();
  }
}

/** Collects small writes into 1 MiB writes. */
class BufferedOut {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}

  write(bytes: Buffer): void {
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const all = Buffer.concat(this.parts, this.size);
    let done = 0;
    while (done < all.length) done += fs.writeSync(this.fd, all, done, all.length - done);
    this.parts = [];
    this.size = 0;
  }
}
