import { mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { exportRecord, type ExportFormat } from './export-formats';
import { JsonlSplitWriter, ParquetSplitWriter, type SplitWriter } from './export-writers';
import { scanDatasets } from './scan-datasets';
import { splitOf, type Split } from './split';

export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  /** Share of conversations in the validation split (0 = none). */
  validation: number;
  includeDuplicates: boolean;
  /** Keep conversations flagged as refusals or meta-commentary. */
  includeFlagged: boolean;
  threshold?: number;
  /** Replace files of an earlier export in outDir. */
  force: boolean;
}

export interface ExportSummary {
  files: string[];
  train: number;
  validation: number;
  skipped: { duplicates: number; flagged: number; broken: number; incompatible: number };
  /** The first few lines that could not be exported, with why. */
  problems: { dataset: string; line: number; problem: string }[];
}

export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

function targetNames(format: ExportFormat): RegExp {
  return format === 'parquet' ? /^(train|validation)-\d{5}\.parquet$/ : /^(train|validation)\.jsonl$/;
}

/**
 * Writes the datasets' conversations as train (and validation) files in `format`. Duplicates and
 * flagged conversations are left out unless asked for; the split is decided by id, so it is the
 * same on every export. Files appear only when complete; an earlier export is never overwritten
 * without `force`.
 */
export async function exportDatasets(datasets: readonly string[], options: ExportOptions): Promise<ExportSummary> {
  mkdirSync(options.outDir, { recursive: true });
  const existing = readdirSync(options.outDir).filter((f) => targetNames(options.format).test(f));
  if (existing.length > 0 && !options.force) {
    throw new ExportRefused(
      `${path.join(options.outDir, existing[0]!)} exists: choose another output folder, or replace the earlier export with --force`,
    );
  }
  const writerFor = (split: Split): SplitWriter =>
    options.format === 'parquet'
      ? new ParquetSplitWriter(options.outDir, split)
      : new JsonlSplitWriter(path.join(options.outDir, `${split}.jsonl`));
  const writers: Record<Split, SplitWriter> = { train: writerFor('train'), validation: writerFor('validation') };
  const summary: ExportSummary = {
    files: [],
    train: 0,
    validation: 0,
    skipped: { duplicates: 0, flagged: 0, broken: 0, incompatible: 0 },
    problems: [],
  };
  const problem = (dataset: string, line: number, text: string) => {
    if (summary.problems.length < 20) summary.problems.push({ dataset, line, problem: text });
  };
  try {
    for await (const s of scanDatasets(datasets, options.threshold !== undefined ? { threshold: options.threshold } : {})) {
      if (s.kind === 'broken') {
        summary.skipped.broken++;
        problem(s.dataset, s.line, s.problem);
        continue;
      }
      // Marked in the journal (by a run or `dedup`) or found now at this threshold.
      if ((s.duplicateOf || s.marked) && !options.includeDuplicates) {
        summary.skipped.duplicates++;
        continue;
      }
      if (s.flags.length > 0 && !options.includeFlagged) {
        summary.skipped.flagged++;
        continue;
      }
      const row = exportRecord(options.format, s.record);
      if (!row.ok) {
        summary.skipped.incompatible++;
        problem(s.dataset, s.line, row.problem);
        continue;
      }
      const key = s.meta?.id ?? createHash('sha256').update(JSON.stringify(s.record)).digest('hex');
      const split = splitOf(key, options.validation);
      await writers[split].add(row.value, s.record);
      summary[split]++;
    }
    // Stale files of an earlier export (now forced) go, so the folder holds one export only.
    for (const f of existing) await rm(path.join(options.outDir, f), { force: true });
    summary.files = [...(await writers.train.finish()), ...(await writers.validation.finish())];
    return summary;
  } catch (e) {
    await writers.train.abort();
    await writers.validation.abort();
    throw e;
  }
}
