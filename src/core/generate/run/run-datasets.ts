import type { Clock } from '../../clock';
import type { DuplicatePrep } from '../../dataset/duplicate-prep';
import { classify, ForgeError, type ClassifiedError } from '../../errors';
import type { ModelInfo } from '../../models';
import { formatRecord, openDataset, type DatasetWriter, type FsyncPolicy, type RecordMeta } from '../output';
import type { Conversation, PromptFile } from '../types';
import { datasetPathFor } from './dataset-path';
import type { ModelPricing } from './model-pricing';
import { guardPromptVersion } from './version-guard';

export interface RunDatasetsOptions {
  clock: Clock;
  outDir?: string;
  simulated?: boolean;
  fsync?: FsyncPolicy;
  allowNewVersion?: boolean;
  /** Prepares each written conversation for the near-duplicate marking after the run. */
  duplicatePrep?: DuplicatePrep;
}

export interface CheckedFile {
  file: PromptFile;
  model: ModelInfo;
  datasetPath: string;
  writer: DatasetWriter;
}

/** The datasets a run writes, one writer (and lock) per dataset path, shared by batches that write there. */
export class RunDatasets {
  private readonly writers = new Map<string, DatasetWriter>();
  private readonly pending = new Set<Promise<unknown>>();
  private failureLogError?: ClassifiedError;

  constructor(
    private readonly options: RunDatasetsOptions,
    private readonly pricing: ModelPricing,
  ) {}

  /**
   * Opens (and repairs) the dataset of every file and checks each may be generated into it. All
   * files are checked before any is used: on a refusal, the datasets this call opened are closed
   * again (locks released) and nothing is added.
   */
  async check(files: readonly PromptFile[], isKnownBatch: (name: string) => boolean): Promise<CheckedFile[]> {
    const checked: CheckedFile[] = [];
    const openedNow: string[] = [];
    try {
      for (const file of files) {
        if (isKnownBatch(file.name) || checked.some((c) => c.file.name === file.name)) {
          throw new ForgeError('invalid_request', `batch "${file.name}" (${file.path}) is already part of this run`);
        }
        if (file.pendingValues?.length) {
          throw new ForgeError(
            'invalid_request',
            `${file.path}: the values of ${file.pendingValues.join(', ')} are not generated yet: generate them first (the CLI and the extension do so before a run)`,
          );
        }
        const model = this.pricing.model(file.model);
        const datasetPath = datasetPathFor(file, {
          ...(this.options.outDir !== undefined ? { outDir: this.options.outDir } : {}),
          simulated: this.options.simulated ?? false,
        });
        let writer = this.writers.get(datasetPath);
        if (!writer) {
          writer = await openDataset({
            datasetPath,
            clock: this.options.clock,
            ...(this.options.fsync ? { fsync: this.options.fsync } : {}),
          });
          this.writers.set(datasetPath, writer);
          openedNow.push(datasetPath);
        }
        guardPromptVersion(file, datasetPath, writer, this.options.allowNewVersion ?? false);
        const regenerations = writer.regenerationsOf(file.promptHash);
        const dropped = writer.droppedOf(file.promptHash);
        const marked = {
          ...file,
          ...(regenerations.size > 0 ? { regenerations } : {}),
          ...(dropped.size > 0 ? { dropped } : {}),
        };
        checked.push({ file: marked, model, datasetPath, writer });
      }
    } catch (error) {
      await Promise.allSettled(openedNow.map((p) => this.writers.get(p)!.close()));
      for (const p of openedNow) this.writers.delete(p);
      throw error;
    }
    return checked;
  }

  /** Commits a finished conversation to its dataset; false when it was already there. */
  async commit(datasetPath: string, file: PromptFile, conversation: Conversation, meta: RecordMeta): Promise<boolean> {
    const record = formatRecord(file.output.format, conversation, file.output.systemPrompt);
    const result = await this.writers.get(datasetPath)!.append(record, meta);
    if (result.status !== 'written') return false;
    this.options.duplicatePrep?.note(datasetPath, { id: meta.id, offset: result.offset, length: result.length }, record);
    return true;
  }

  /** A write running in the background: close() waits for it. */
  track(write: Promise<unknown>): void {
    const tracked = write.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Records a failed conversation in the dataset's failure log, in the background. */
  recordFailure(datasetPath: string, entry: Parameters<DatasetWriter['recordFailure']>[0]): void {
    const writer = this.writers.get(datasetPath);
    if (!writer) return;
    const write = writer
      .recordFailure(entry)
      .catch((e: unknown) => {
        this.failureLogError ??= classify(e);
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Records a failure and waits for it (Message Batches journal the outcome only once it is logged). */
  async failNow(datasetPath: string, entry: Parameters<DatasetWriter['recordFailure']>[0]): Promise<void> {
    await this.writers.get(datasetPath)!.recordFailure(entry);
  }

  /** A failure that could not be logged: the run reports it rather than losing it quietly. */
  get writeError(): ClassifiedError | undefined {
    return this.failureLogError;
  }

  /** Waits for background writes, then flushes, fsyncs and unlocks every dataset. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await Promise.allSettled([...this.writers.values()].map((w) => w.close()));
  }

  dispose(): void {
    for (const w of this.writers.values()) w.dispose();
  }
}
