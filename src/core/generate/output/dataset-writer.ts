import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock } from '../../clock';
import { syncDirectory } from './file-io';
import { inspectDataset } from './inspect';
import { acquireLock } from './lock-file';
import { datasetFiles } from './paths';
import type { DatasetWriter, FailedEntry, FsyncPolicy, OpenDatasetOptions, RepairReport } from './types';
import { VersionIndex } from './version-index';
import { JournaledDatasetWriter } from './journaled-dataset-writer';
import { MarkIndex } from './mark-index';
import { finishRewrite } from './rewrite-dataset';
import { withoutText } from './journal';
import { expectInteger, expectNonEmptyString, expectOneOf } from '../../validate';
import { IdSet } from './id-set';

type FileHandle = fs.promises.FileHandle;
const OPEN_RW_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;
const POLICIES: readonly FsyncPolicy[] = ['always', 'batch', 'never'];

/**
 * Opens (creating if needed) the dataset at `datasetPath` for appending, takes its lock, and cuts
 * whatever a crash left uncommitted. See types.ts for the fsync trade-off.
 *
 * Commit protocol: the record line goes to the dataset in one write, then its journal line (which
 * names the record's offset and length) goes to `x.meta.jsonl` in one write. A record is committed
 * when its journal line is whole. On open, the dataset is cut back to the end of the last committed
 * record, so a crash anywhere leaves either the record (journaled) or nothing (regenerated once).
 */
export async function openDataset(options: OpenDatasetOptions): Promise<DatasetWriter> {
  const policy = options.fsync ?? 'batch';
  validateOptions(options, policy);
  const clock = options.clock ?? systemClock;
  const files = datasetFiles(options.datasetPath);
  await fs.promises.mkdir(path.dirname(files.dataset), { recursive: true });
  const lock = acquireLock(files.lock, clock.now());
  const handles: FileHandle[] = [];
  try {
    // A rewrite (dedup --drop) cut short between its renames is completed before anything is read.
    finishRewrite(files);
    const done = new IdSet();
    const versions = new VersionIndex();
    const failures = new Map<string, FailedEntry>();
    const marks = new MarkIndex();
    // Streamed: only what resume needs is kept (done ids, version counts, failures), never the entries.
    const found = inspectDataset(files, {
      committed: (e) => {
        if (!done.add(e.id)) return false;
        versions.add(e);
        return true;
      },
      failed: (f) => void failures.set(f.id, withoutText(f)),
      mark: (m) => marks.note(m),
    });
    // Journal first: a dataset never exists without the journal that proves we own it.
    const journalFh = await fs.promises.open(files.journal, OPEN_RW_CREATE, 0o644);
    handles.push(journalFh);
    const dataFh = await fs.promises.open(files.dataset, OPEN_RW_CREATE, 0o644);
    handles.push(dataFh);
    const repair: RepairReport = {
      droppedDatasetBytes: found.datasetSize - found.committedBytes,
      droppedDatasetLines: found.tailLines,
      droppedJournalBytes: found.journal.size - found.journal.keptBytes,
      droppedFailedBytes: found.failed.size - found.failed.keptBytes,
    };
    if (repair.droppedJournalBytes > 0) await journalFh.truncate(found.journal.keptBytes);
    if (repair.droppedDatasetBytes > 0) await dataFh.truncate(found.committedBytes);
    if (repair.droppedFailedBytes > 0) await fs.promises.truncate(files.failed, found.failed.keptBytes);
    if (policy !== 'never') {
      // New appends land where the cut tail was: the cut must be durable before they are.
      await dataFh.sync();
      await journalFh.sync();
      syncDirectory(path.dirname(files.dataset));
    }
    return new JournaledDatasetWriter(files, clock, policy, options, lock, dataFh, journalFh, {
      done,
      versions,
      failures,
      marks,
      dataSize: found.committedBytes,
      journalSize: found.journal.keptBytes,
      failedSize: found.failed.keptBytes,
      repair,
    });
  } catch (err) {
    await Promise.allSettled(handles.map((h) => h.close()));
    lock.release();
    throw err;
  }
}

function validateOptions(options: OpenDatasetOptions, policy: FsyncPolicy): void {
  expectNonEmptyString('datasetPath', options.datasetPath);
  expectOneOf('fsync', policy, POLICIES);
  for (const key of ['fsyncEveryMs', 'fsyncEveryRecords'] as const) {
    if (options[key] !== undefined) expectInteger(key, options[key], 1);
  }
}
